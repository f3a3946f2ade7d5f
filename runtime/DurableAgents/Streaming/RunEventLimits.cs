namespace DurableAgents.Streaming;

/// <summary>The bounds of one run's event log (see docs/streaming.md, "Bounds").</summary>
public sealed record RunEventLimits
{
    /// <summary>The most events one run's log holds; live deltas stop at three quarters of it, journaled events at it (the terminal event is always kept).</summary>
    public int MaxEvents { get; init; } = 20_000;

    /// <summary>The most characters of event payload one run's log holds; same thresholds as <see cref="MaxEvents"/>.</summary>
    public long MaxBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>The most model steps whose deltas are tracked.</summary>
    public int MaxSteps { get; init; } = 4096;

    /// <summary>The most deltas in one batch.</summary>
    public int MaxBatchDeltas { get; init; } = 1000;

    /// <summary>The longest single delta or text (characters).</summary>
    public int MaxTextLength { get; init; } = 1024 * 1024;

    /// <summary>The longest step name.</summary>
    public int MaxStepLength { get; init; } = 256;

    /// <summary>The defaults.</summary>
    public static RunEventLimits Default { get; } = new();
}
