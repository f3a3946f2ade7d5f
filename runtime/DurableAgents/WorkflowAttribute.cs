namespace DurableAgents;

/// <summary>Marks a partial class as a Restate <c>Workflow</c>: one <c>run</c> handler per key plus shared handlers.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WorkflowAttribute : Attribute
{
    public WorkflowAttribute() { }
    public WorkflowAttribute(string name) => Name = name;

    public string? Name { get; }
}
