using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>Everything the generated handlers pass to the runtime about one agent class.</summary>
public sealed record DurableAgentSpec
{
    /// <summary>The agent's Restate service name.</summary>
    public required string Name { get; init; }

    /// <summary>What the agent does (its tool description when another agent calls it).</summary>
    public string? Description { get; init; }

    /// <summary>The system instructions.</summary>
    public string? Instructions { get; init; }

    /// <summary>The maximum number of model turns (0 = <see cref="DurableAgentOptions.DefaultMaxTurns"/>).</summary>
    public int MaxTurns { get; init; }

    /// <summary>Whether the agent is a session (a Virtual Object keyed by session id).</summary>
    public bool Session { get; init; }

    /// <summary>The generated tools.</summary>
    public IReadOnlyList<DurableTool> Tools { get; init; } = [];

    /// <summary>The MCP servers of <c>[McpServer]</c> attributes.</summary>
    public IReadOnlyList<DurableAgents.Mcp.McpServer> McpServers { get; init; } = [];

    /// <summary>The per-run options hook (the class's <see cref="IConfigureDurableAgent"/>).</summary>
    public Action<DurableAgentOptions>? Configure { get; init; }
}
