using System.Text.Json;
using System.Text.Json.Serialization;

namespace DurableAgents.AgentFramework;

/// <summary>Source-generated JSON metadata of the Agent Framework integration's own journaled values.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentRunRecord))]
[JsonSerializable(typeof(DurableAgentProxySessionState))]
internal sealed partial class AgentFrameworkJsonContext : JsonSerializerContext;
