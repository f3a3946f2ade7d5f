using System.Text.Json;
using System.Text.Json.Serialization;

namespace DurableAgents.Mcp;

/// <summary>Source-generated JSON metadata of the journaled MCP values.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<McpToolInfo>))]
internal sealed partial class McpJsonContext : JsonSerializerContext;
