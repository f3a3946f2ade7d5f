namespace DurableAgents;

/// <summary>
/// Attaches an MCP server to a <c>[DurableAgent]</c> class: set <see cref="Command"/> (stdio) or <see cref="Url"/>
/// (Streamable HTTP), not both. The generator adds it to the agent's default options
/// (<see cref="Agents.DurableAgentOptions.McpServers"/>); adjust it further in <see cref="Agents.IConfigureDurableAgent.Configure"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class McpServerAttribute : Attribute
{
    /// <summary>Names the server (unique per agent; it is part of step names).</summary>
    public McpServerAttribute(string name) => Name = name;

    /// <summary>The server's name in step names (<c>mcp:{name}:...</c>).</summary>
    public string Name { get; }

    /// <summary>Stdio: the program to start.</summary>
    public string? Command { get; set; }

    /// <summary>Stdio: the program's arguments.</summary>
    public string[]? Arguments { get; set; }

    /// <summary>Stdio: the program's working directory.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Streamable HTTP: the absolute endpoint URL.</summary>
    public string? Url { get; set; }

    /// <summary>Whether every tool of the server waits for a human approval before each call.</summary>
    public bool RequireApproval { get; set; }

    /// <summary>The tools (by MCP name) that wait for a human approval before each call.</summary>
    public string[]? ApprovalRequiredTools { get; set; }

    /// <summary>When set, only these tools (by MCP name) are offered to the model.</summary>
    public string[]? AllowedTools { get; set; }

    /// <summary>Prepended to the MCP tool names to form the names the model sees.</summary>
    public string? ToolNamePrefix { get; set; }
}
