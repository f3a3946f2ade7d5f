namespace DurableAgents.Streaming;

/// <summary>The input of the store's <c>read</c> handler: the events after <see cref="After"/>, at most <see cref="Max"/>.</summary>
public sealed class RunEventQuery
{
    /// <summary>The last sequence the reader has (0: from the start).</summary>
    public long After { get; set; }

    /// <summary>The most events to return (capped by <see cref="RunEventStore.MaxPage"/>).</summary>
    public int Max { get; set; } = RunEventStore.MaxPage;
}
