namespace DurableAgents.AgentFramework;

/// <summary>Options of a <see cref="DurableAgentProxy"/>.</summary>
public sealed record DurableAgentProxyOptions
{
    /// <summary>The agent's description (shown to workflows and orchestrating agents).</summary>
    public string? Description { get; init; }

    /// <summary>
    /// How many times one run is attempted when the ingress cannot be reached or answers 5xx/429 (the same idempotency
    /// key each time, so the agent runs once). At least 1.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The delay before the second attempt, doubled for each further attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);
}
