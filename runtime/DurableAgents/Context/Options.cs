namespace DurableAgents;

/// <summary>The handler a call or send goes to.</summary>
/// <param name="Service">The service, Virtual Object or Workflow name.</param>
/// <param name="Handler">The handler name.</param>
/// <param name="Key">The Virtual Object or Workflow key; null for a Service.</param>
public readonly record struct CallTarget(string Service, string Handler, string? Key = null)
{
    public static CallTarget ForService(string service, string handler) => new(service, handler);

    public static CallTarget ForObject(string service, string key, string handler) => new(service, handler, key);

    public static CallTarget ForWorkflow(string workflow, string key, string handler) => new(workflow, handler, key);

    public override string ToString() => Key is null ? $"{Service}/{Handler}" : $"{Service}/{Key}/{Handler}";
}

/// <summary>Options of a request-response call.</summary>
public sealed record CallOptions
{
    /// <summary>Restate de-duplicates calls with the same key to the same handler.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Headers passed to the callee (visible in its <see cref="IContext.RequestHeaders"/>).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>A name for the journal entry (shown in the Restate UI).</summary>
    public string? Name { get; init; }
}

/// <summary>Options of a one-way call.</summary>
public sealed record SendOptions
{
    public string? IdempotencyKey { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Run the target after this delay (a durable timer kept by Restate).</summary>
    public TimeSpan? Delay { get; init; }

    public string? Name { get; init; }
}

/// <summary>Options of a <c>RunAsync</c> step.</summary>
public sealed record RunOptions
{
    /// <summary>How non-terminal failures of the step are retried. Null: retry with Restate's invocation policy.</summary>
    public RetryPolicy? RetryPolicy { get; init; }
}

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
