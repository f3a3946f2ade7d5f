using DurableAgents.Agents;
using DurableAgents.Mcp;

namespace DurableAgents.TestService;

/// <summary>
/// An agent on the C# test MCP server (Streamable HTTP at <c>DA_MCP_HTTP</c>): <c>guarded</c> waits for an approval;
/// the server's calls are retried by its own policy (3 attempts), not by the agent's (none).
/// </summary>
[DurableAgent("McpAgent", MaxTurns = 6)]
[AgentInstructions("You use the tools of the counter MCP server.")]
public partial class McpAgent : IConfigureDurableAgent
{
    public void Configure(DurableAgentOptions options)
    {
        options.ApprovalTimeout = TimeSpan.FromMilliseconds(SideEffects.Milliseconds("DA_APPROVAL_TIMEOUT_MS", 3_600_000));
        if (Environment.GetEnvironmentVariable("DA_MCP_HTTP") is { Length: > 0 } url)
        {
            var server = McpServer.Http("counter", new Uri(url));
            server.ToolsRequiringApproval.Add("guarded");
            server.RetryPolicy = RetryPolicy.Exponential(TimeSpan.FromMilliseconds(50), 1.0, TimeSpan.FromMilliseconds(50), maxAttempts: 3);
            server.CallTimeout = TimeSpan.FromSeconds(60);
            options.McpServers.Add(server);
        }
    }
}

/// <summary>
/// An agent on the MCP reference server over stdio, declared by attribute: <c>mcp-counted.mjs</c> (in the service's
/// working directory) starts <c>@modelcontextprotocol/server-everything</c> and logs the calls it forwards.
/// </summary>
[DurableAgent("EverythingAgent", MaxTurns = 6)]
[AgentInstructions("You use the tools of the everything MCP server.")]
[McpServer("everything", Command = "node", Arguments = new[] { "mcp-counted.mjs" }, AllowedTools = new[] { "echo", "get-sum" })]
public partial class EverythingAgent;

/// <summary>An agent whose own tool <c>count</c> collides with the counter MCP server's <c>count</c>: its runs fail.</summary>
[DurableAgent("McpCollisionAgent")]
public partial class McpCollisionAgent : IConfigureDurableAgent
{
    /// <summary>Counts locally.</summary>
    /// <param name="label">The label.</param>
    [DurableTool]
    public static string Count(string label) => label;

    public void Configure(DurableAgentOptions options)
    {
        if (Environment.GetEnvironmentVariable("DA_MCP_HTTP") is { Length: > 0 } url)
        {
            options.McpServers.Add(McpServer.Http("counter", new Uri(url)));
        }
    }
}
