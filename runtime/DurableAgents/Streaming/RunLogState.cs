namespace DurableAgents.Streaming;

/// <summary>The bookkeeping of one run's log (the store's <c>meta</c> state entry); the events live in chunk entries.</summary>
internal sealed class RunLogState
{
    /// <summary>The highest sequence appended.</summary>
    public long LastSeq { get; set; }

    /// <summary>The approximate size of the appended events (characters).</summary>
    public long Bytes { get; set; }

    /// <summary>Whether the run's terminal event is in the log.</summary>
    public bool Finished { get; set; }

    /// <summary>Whether events were dropped because the log was full.</summary>
    public bool Truncated { get; set; }

    /// <summary>Whether the retention clean-up is scheduled.</summary>
    public bool ExpiryScheduled { get; set; }

    /// <summary>The model steps with text, by step name.</summary>
    public Dictionary<string, RunLogStep> Steps { get; set; } = new(StringComparer.Ordinal);
}
