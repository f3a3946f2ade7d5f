namespace DurableAgents.Streaming;

/// <summary>A page of a run's event log, as the store's shared <c>read</c> handler returns it.</summary>
public sealed class RunEventPage
{
    /// <summary>The events after the requested sequence, in order (at most the requested count).</summary>
    public List<RunEvent> Events { get; set; } = [];

    /// <summary>The highest sequence in the log (0 when the log is empty or unknown).</summary>
    public long LastSeq { get; set; }

    /// <summary>Whether the run has ended (its log holds <c>run_finished</c> or <c>run_failed</c>): no event follows the last one.</summary>
    public bool Finished { get; set; }

    /// <summary>Whether the log hit its size limit and dropped events (see docs/streaming.md, "Bounds").</summary>
    public bool Truncated { get; set; }
}
