using System.Text.Json;
using System.Text.Json.Serialization;

namespace DurableAgents.Tests.Mcp;

/// <summary>JSON metadata of the MCP tests.</summary>
[JsonSerializable(typeof(IDictionary<string, JsonElement>))]
internal sealed partial class TestMcpJsonContext : JsonSerializerContext;
