namespace DurableAgents.ClusterChaos;

/// <summary>One submitted run (a workflow or an agent run) and what became of it.</summary>
public sealed class RunRecord
{
    /// <summary>The run id: the workflow key (<c>wf-3</c>) or the agent run's idempotency key (<c>agent-3</c>).</summary>
    public required string Id { get; init; }

    /// <summary><c>workflow</c> or <c>agent</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>When the first send attempt started (UTC ticks).</summary>
    public long SubmittedTicks { get; set; }

    /// <summary>When the result arrived (UTC ticks), or 0.</summary>
    public long CompletedTicks { get; set; }

    /// <summary>Whether the result arrived and was the expected one.</summary>
    public bool Ok { get; set; }

    /// <summary>The result body (or the last error).</summary>
    public string Detail { get; set; } = "";

    /// <summary>Send attempts (more than one when a node died under the request).</summary>
    public int SendAttempts { get; set; }

    /// <summary>Attach attempts.</summary>
    public int AttachAttempts { get; set; }

    /// <summary>Latency from submission to result in milliseconds (NaN when lost).</summary>
    public double LatencyMs => CompletedTicks == 0 ? double.NaN : (CompletedTicks - SubmittedTicks) / (double)TimeSpan.TicksPerMillisecond;
}
