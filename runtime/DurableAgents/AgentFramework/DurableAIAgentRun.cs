using System.Text.Json;
using MafAgentResponse = Microsoft.Agents.AI.AgentResponse;

namespace DurableAgents.AgentFramework;

/// <summary>The outcome of a durable run of a Microsoft Agent Framework agent with an explicit session.</summary>
/// <param name="Response">The agent's response.</param>
/// <param name="Session">The agent's session after the run, serialized by the agent: pass it to the next run.</param>
public sealed record DurableAIAgentRun(MafAgentResponse Response, JsonElement Session);
