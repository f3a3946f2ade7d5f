using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

/// <summary>Source-generated JSON metadata of the agent runtime's own types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentRequest))]
[JsonSerializable(typeof(AgentResponse))]
[JsonSerializable(typeof(PendingApproval))]
[JsonSerializable(typeof(List<PendingApproval>))]
[JsonSerializable(typeof(ApprovalDecision))]
[JsonSerializable(typeof(ToolOutcome))]
[JsonSerializable(typeof(DurableAgents.Agents.ApprovalBatch))]
[JsonSerializable(typeof(DurableAgents.Agents.AgentApprovalDecision))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
