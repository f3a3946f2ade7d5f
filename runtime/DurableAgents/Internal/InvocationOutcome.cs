namespace DurableAgents.Internal;

/// <summary>How an invocation attempt ended.</summary>
public enum InvocationOutcome
{
    /// <summary>Still running.</summary>
    None,

    /// <summary><c>End</c> after an output (success or terminal failure).</summary>
    Ended,

    /// <summary><c>Suspension</c>: Restate resumes the invocation when a awaited result arrives.</summary>
    Suspended,

    /// <summary><c>Error</c>: a retryable failure, journal mismatch or protocol violation; Restate retries.</summary>
    Failed,
}
