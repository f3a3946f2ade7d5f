namespace DurableAgents;

/// <summary>Options of a <c>RunAsync</c> step.</summary>
public sealed record RunOptions
{
    /// <summary>How non-terminal failures of the step are retried. Null: retry with Restate's invocation policy.</summary>
    public RetryPolicy? RetryPolicy { get; init; }
}
