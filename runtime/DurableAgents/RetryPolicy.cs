namespace DurableAgents;

/// <summary>
/// Retry policy of a durable step. Attempts count the first execution; when attempts or duration are exhausted the
/// last error becomes a terminal failure that is journaled, so replays see the same failure.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Maximum number of attempts including the first (null = unbounded).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Maximum total time spent retrying (null = unbounded).</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>The delay before the first retry.</summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The delay is multiplied by this after each retry.</summary>
    public double Factor { get; init; } = 2.0;

    /// <summary>The delay never grows beyond this.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Never retry: the first failure is terminal.</summary>
    public static RetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>Exponential backoff with the given bounds.</summary>
    public static RetryPolicy Exponential(TimeSpan initial, double factor = 2.0, TimeSpan? maxInterval = null, int? maxAttempts = null, TimeSpan? maxDuration = null)
        => new() { InitialInterval = initial, Factor = factor, MaxInterval = maxInterval ?? TimeSpan.FromSeconds(10), MaxAttempts = maxAttempts, MaxDuration = maxDuration };

    /// <summary>The delay before retry number <paramref name="retry"/> (1 = first retry).</summary>
    public TimeSpan DelayBeforeRetry(int retry)
    {
        if (retry < 1) retry = 1;
        var ms = InitialInterval.TotalMilliseconds * Math.Pow(Factor, retry - 1);
        var max = MaxInterval.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(double.IsFinite(ms) ? Math.Min(ms, max) : max);
    }
}
