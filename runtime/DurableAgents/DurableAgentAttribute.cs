namespace DurableAgents;

/// <summary>
/// Marks a partial class as a durable AI agent. The generator emits a Restate handler named <c>run</c> that drives
/// the agent loop with every model response and every tool call journaled.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DurableAgentAttribute : Attribute
{
    public DurableAgentAttribute() { }
    public DurableAgentAttribute(string name) => Name = name;

    /// <summary>The Restate service name; the class name when omitted.</summary>
    public string? Name { get; }

    /// <summary>When true the agent is a Virtual Object keyed by session id, with its history kept in state.</summary>
    public bool Session { get; set; }

    /// <summary>The maximum number of model turns in one run (0 = the runtime default).</summary>
    public int MaxTurns { get; set; }
}
