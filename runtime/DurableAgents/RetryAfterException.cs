namespace DurableAgents;

/// <summary>
/// A retryable failure that says when to try again. Thrown inside <c>RunAsync</c> (for example by a model call that got
/// HTTP 429 with a <c>Retry-After</c> header), the step is retried after <see cref="RetryAfter"/> instead of the
/// policy's backoff; the attempt still counts against the step's <see cref="RetryPolicy"/>.
/// </summary>
public sealed class RetryAfterException : Exception
{
    /// <summary>A retryable failure to retry after <paramref name="retryAfter"/>.</summary>
    public RetryAfterException(TimeSpan retryAfter, string message, Exception? innerException = null)
        : base(message, innerException)
        => RetryAfter = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;

    /// <summary>The delay before the next attempt.</summary>
    public TimeSpan RetryAfter { get; }
}
