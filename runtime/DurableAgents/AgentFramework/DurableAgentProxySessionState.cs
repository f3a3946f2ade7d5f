namespace DurableAgents.AgentFramework;

/// <summary>The serialized form of a <see cref="DurableAgentProxySession"/>.</summary>
internal sealed record DurableAgentProxySessionState
{
    public string? Key { get; init; }
}
