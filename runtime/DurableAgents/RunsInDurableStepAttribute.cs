namespace DurableAgents;

/// <summary>
/// Declares that the runtime runs a delegate inside a journaled step: once, with its outcome recorded, and not again on
/// replay. The replay-safety analyzers read it (the only place they learn it), so code in such a delegate may read the
/// clock, do I/O or call a model.
/// </summary>
/// <remarks>
/// On a parameter or property of delegate type, the delegate passed or assigned there runs in a step. With
/// <see cref="ReturnedDelegate"/>, only the delegate that it returns runs in the step; its own body runs on every attempt.
/// On a parameter of another type (an <c>AIFunction</c>), the delegates in the argument expression run in the step. Put it
/// on every public API whose delegate the runtime runs in a step, and on your own step wrappers.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property, Inherited = true)]
public sealed class RunsInDurableStepAttribute : Attribute
{
    /// <summary>
    /// When true, the delegate's body runs on every attempt (keep it deterministic) and the delegate it returns runs in
    /// the step (e.g. <c>DurableTool.FromStep</c>'s <c>bind</c>).
    /// </summary>
    public bool ReturnedDelegate { get; set; }
}
