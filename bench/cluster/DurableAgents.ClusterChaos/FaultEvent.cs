namespace DurableAgents.ClusterChaos;

/// <summary>One injected fault: a SIGKILL of a node or a replica, and its restart.</summary>
public sealed class FaultEvent
{
    /// <summary><c>node</c> or <c>replica</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Which node or replica.</summary>
    public required int Target { get; init; }

    /// <summary>When it was killed (UTC ticks).</summary>
    public long KilledTicks { get; set; }

    /// <summary>When it was started again (UTC ticks).</summary>
    public long RestartedTicks { get; set; }

    /// <summary>When it answered again (UTC ticks), 0 if it never did.</summary>
    public long ReadyTicks { get; set; }

    /// <summary>Runs submitted and not finished at the kill.</summary>
    public int InFlight { get; set; }

    /// <summary>A failure to restart, if any.</summary>
    public string? Error { get; set; }
}
