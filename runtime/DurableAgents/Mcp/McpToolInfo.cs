using System.Text.Json;

namespace DurableAgents.Mcp;

/// <summary>One tool of an MCP server as journaled by the listing step <c>mcp:{server}:tools</c>.</summary>
internal sealed record McpToolInfo
{
    /// <summary>The tool's MCP name.</summary>
    public required string Name { get; init; }

    /// <summary>Its description.</summary>
    public string? Description { get; init; }

    /// <summary>The JSON Schema of its arguments object.</summary>
    public JsonElement InputSchema { get; init; }
}
