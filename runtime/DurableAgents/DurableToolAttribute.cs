namespace DurableAgents;

/// <summary>
/// Marks a method of a <see cref="DurableAgentAttribute"/> class as a tool the model may call. Each call runs as a
/// journaled step: on replay the recorded result is returned and the body does not run again.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class DurableToolAttribute : Attribute
{
    public DurableToolAttribute() { }
    public DurableToolAttribute(string name) => Name = name;

    /// <summary>The tool name shown to the model; the method name in snake_case when omitted.</summary>
    public string? Name { get; }

    /// <summary>The tool description shown to the model; taken from <c>[Description]</c> or XML docs when omitted.</summary>
    public string? Description { get; set; }

    /// <summary>When true, each call waits for a human approval (an awakeable) before the body runs.</summary>
    public bool RequiresApproval { get; set; }
}
