namespace DurableAgents;

/// <summary>
/// Tells the replay-safety analyzers that a method is deterministic even though it calls APIs they would flag
/// (for example a clock read that only feeds a log line). Use sparingly: the analyzers trust it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class DeterministicAttribute : Attribute
{
    public DeterministicAttribute() { }
    public DeterministicAttribute(string justification) => Justification = justification;

    public string? Justification { get; }
}
