namespace DurableAgents;

/// <summary>
/// Thrown at an await after the invocation attempt has ended (suspended, failed with a retryable error, or a journal
/// mismatch). Never catch it: the SDK uses it to unwind handler code whose outcome is already decided. Restate
/// re-invokes the handler and replays the journal.
/// </summary>
public sealed class InvocationClosedException : Exception
{
    internal InvocationClosedException(string reason) : base(reason) { }
}
