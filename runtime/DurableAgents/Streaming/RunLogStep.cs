namespace DurableAgents.Streaming;

/// <summary>What the store knows of one model step: the attempt whose deltas it shows and their text so far.</summary>
internal sealed class RunLogStep
{
    /// <summary>The attempt key of the deltas in the log (0: none yet).</summary>
    public long AttemptKey { get; set; }

    /// <summary>The attempt number shown to readers (1 = first).</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>The last delta position appended for <see cref="AttemptKey"/>.</summary>
    public int LastStepSeq { get; set; }

    /// <summary>The concatenated deltas of the current attempt (cleared once the step completes).</summary>
    public string Text { get; set; } = "";

    /// <summary>Whether the step's journaled text arrived (later deltas are dropped).</summary>
    public bool Completed { get; set; }
}
