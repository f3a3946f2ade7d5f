namespace DurableAgents;

/// <summary>
/// Marks a method as a shared handler of a Virtual Object or Workflow: it runs concurrently with other handlers of
/// the same key and can read but not write state (it receives <see cref="ISharedObjectContext"/> or
/// <see cref="ISharedWorkflowContext"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SharedHandlerAttribute : Attribute
{
    public SharedHandlerAttribute() { }
    public SharedHandlerAttribute(string name) => Name = name;

    public string? Name { get; }
}
