using Microsoft.Agents.AI;

namespace DurableAgents.AgentFramework;

/// <summary>Run options of a <see cref="DurableAgentProxy"/>.</summary>
public sealed class DurableAgentProxyRunOptions : AgentRunOptions
{
    /// <summary>Creates empty options.</summary>
    public DurableAgentProxyRunOptions()
    {
    }

    private DurableAgentProxyRunOptions(DurableAgentProxyRunOptions other)
        : base(other)
    {
        IdempotencyKey = other.IdempotencyKey;
    }

    /// <summary>
    /// The idempotency key of the run: Restate runs the agent once per key (and target) and answers a repeated run with
    /// the first run's result. Null: a fresh key per run (still shared by the proxy's own retries of that run).
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <inheritdoc />
    public override AgentRunOptions Clone() => new DurableAgentProxyRunOptions(this);
}
