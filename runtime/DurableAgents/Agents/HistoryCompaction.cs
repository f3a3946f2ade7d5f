using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>When and how a session's history is compacted by a journaled summarization call.</summary>
public sealed record HistoryCompaction
{
    /// <summary>Compact when the history's text exceeds this many characters (0 = never).</summary>
    public int MaxCharacters { get; init; } = 24_000;

    /// <summary>The most recent messages kept verbatim (the rest is summarized).</summary>
    public int KeepLastMessages { get; init; } = 6;

    /// <summary>The instructions of the summarization call.</summary>
    public string Instructions { get; init; } = "Summarize the conversation so far in a few sentences. Keep names, numbers, decisions and open questions.";
}
