using System.Text.Json;
using DurableAgents.Agents;
using ModelContextProtocol.Client;

namespace DurableAgents.Mcp;

/// <summary>
/// The per-run listing of an agent's MCP servers: one journaled step <c>mcp:{server}:tools</c> per server, so a replay
/// offers the model the tool set of the first attempt even if the server changed since.
/// </summary>
internal static class McpToolListing
{
    /// <summary>The most tools kept from one server (the rest are dropped).</summary>
    public const int MaxToolsPerServer = 256;

    /// <summary>The most characters of a tool's MCP name.</summary>
    public const int MaxToolNameLength = 128;

    /// <summary>The most characters of a tool description (longer ones are cut).</summary>
    public const int MaxDescriptionLength = 4_096;

    /// <summary>The most characters of a tool's input schema (a tool with a larger one is dropped).</summary>
    public const int MaxSchemaLength = 64 * 1024;

    /// <summary>The retry policy of the listing step when the server sets none: 6 attempts, 1 s doubling to 30 s.</summary>
    public static RetryPolicy DefaultListingRetryPolicy { get; } = RetryPolicy.Exponential(TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30), maxAttempts: 6);

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{}}").RootElement.Clone();

    /// <summary>
    /// Lists every server of <paramref name="servers"/> (journaled) and returns its tools as <see cref="DurableTool"/>s.
    /// A server name used twice, or a tool name that collides with <paramref name="taken"/> or another server's tool,
    /// fails the run (<see cref="TerminalException"/>): set <see cref="McpServer.ToolNamePrefix"/>.
    /// </summary>
    public static async Task<List<DurableTool>> LoadAsync(IContext context, IReadOnlyCollection<McpServer> servers, IEnumerable<string> taken)
    {
        var names = new HashSet<string>(taken, StringComparer.Ordinal);
        var serverNames = new HashSet<string>(StringComparer.Ordinal);
        var tools = new List<DurableTool>();
        var sessions = McpSessions.For(context);
        foreach (var server in servers)
        {
            if (server is null)
            {
                throw new TerminalException("DurableAgentOptions.McpServers contains null.", 500);
            }

            if (!serverNames.Add(server.Name))
            {
                throw new TerminalException($"Two MCP servers of the agent are named '{server.Name}': server names are unique per agent.", 500);
            }

            var listed = await context.RunAsync("mcp:" + server.Name + ":tools", ct => ListAsync(sessions, server, ct),
                McpJsonContext.Default.ListMcpToolInfo, new RunOptions { RetryPolicy = server.RetryPolicy ?? DefaultListingRetryPolicy });
            foreach (var info in listed)
            {
                var tool = new McpTool(server, info);
                if (!names.Add(tool.Name))
                {
                    throw new TerminalException(
                        $"The tool '{info.Name}' of MCP server '{server.Name}' is named '{tool.Name}' for the model, like another tool of the agent. Set McpServer.ToolNamePrefix (or the attribute's ToolNamePrefix) to tell them apart.", 500);
                }

                tools.Add(tool);
            }
        }

        return tools;
    }

    private static async Task<List<McpToolInfo>> ListAsync(McpSessions sessions, McpServer server, CancellationToken cancellationToken)
    {
        var client = await sessions.GetAsync(server, cancellationToken).ConfigureAwait(false);
        IList<McpClientTool> listed;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(server.CallTimeout);
        try
        {
            listed = await client.ListToolsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await sessions.DropAsync(server, client).ConfigureAwait(false);
            throw new TimeoutException($"Listing the tools of {server} took longer than {server.CallTimeout}.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The transport failed (process exited, HTTP session expired, connection closed): reconnect on the next attempt.
            await sessions.DropAsync(server, client).ConfigureAwait(false);
            throw;
        }

        var tools = new List<McpToolInfo>();
        foreach (var t in listed)
        {
            var p = t.ProtocolTool;
            if (string.IsNullOrEmpty(p.Name) || p.Name.Length > MaxToolNameLength || (server.AllowedTools is { } allowed && !allowed.Contains(p.Name)))
            {
                continue;
            }

            var schema = p.InputSchema.ValueKind == JsonValueKind.Object ? p.InputSchema : EmptySchema;
            if (schema.GetRawText().Length > MaxSchemaLength)
            {
                continue;
            }

            var description = p.Description ?? p.Title ?? "";
            tools.Add(new McpToolInfo
            {
                Name = p.Name,
                Description = description.Length <= MaxDescriptionLength ? description : description[..MaxDescriptionLength],
                InputSchema = schema.Clone(),
            });
            if (tools.Count == MaxToolsPerServer)
            {
                break;
            }
        }

        return tools;
    }
}
