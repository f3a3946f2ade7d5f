using System.Text.Json;

namespace DurableAgents.AgentFramework;

/// <summary>
/// The journaled outcome of a whole run of an agent that is not a <c>ChatClientAgent</c>: the response's messages and
/// usage (Microsoft.Extensions.AI JSON) and the session after the run (the agent's own serialization).
/// </summary>
internal sealed record AgentRunRecord
{
    public JsonElement Messages { get; init; }

    public JsonElement? Usage { get; init; }

    public string? ResponseId { get; init; }

    public string? AgentId { get; init; }

    public JsonElement Session { get; init; }
}
