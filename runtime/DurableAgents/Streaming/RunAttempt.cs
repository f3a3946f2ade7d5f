using DurableAgents.Internal;

namespace DurableAgents.Streaming;

/// <summary>
/// Identifies the attempt of an invocation that is running: <c>known_entries &lt;&lt; 32 | retry_count_since_last_stored_entry</c>
/// of the attempt's start message. The journal only grows, and the retry count grows with every attempt that stores
/// nothing new, so a later attempt always has a larger key; the store uses it to drop the deltas of a stale attempt and
/// to mark a restarted step.
/// </summary>
internal static class RunAttempt
{
    /// <summary>The key of the running attempt of <paramref name="context"/>'s invocation (0 when it is not a live invocation).</summary>
    public static long Key(IContext context)
    {
        if (context is not InvocationContext invocation)
        {
            return 0;
        }

        var start = invocation.Machine.Start;
        return ((long)start.KnownEntries << 32) | start.RetryCountSinceLastStoredEntry;
    }
}
