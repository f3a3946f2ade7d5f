namespace DurableAgents.Streaming;

/// <summary>
/// Live text deltas of one model step, published out of band (through the ingress) while the step runs: not journaled,
/// best effort. The store orders attempts by <see cref="AttemptKey"/> and drops duplicates by <see cref="FirstStepSeq"/>.
/// </summary>
public sealed class RunDeltaBatch
{
    /// <summary>The model step (<c>llm:{n}</c>).</summary>
    public string Step { get; set; } = "";

    /// <summary>
    /// Orders the attempts of the invocation: <c>known_entries &lt;&lt; 32 | retry_count_since_last_stored_entry</c> of the
    /// attempt's start message, which grows with every attempt (see docs/streaming.md).
    /// </summary>
    public long AttemptKey { get; set; }

    /// <summary>The position of <c>Texts[0]</c> within the step attempt (1-based).</summary>
    public int FirstStepSeq { get; set; }

    /// <summary>The deltas, in order.</summary>
    public List<string> Texts { get; set; } = [];
}
