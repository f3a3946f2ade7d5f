using System.Text.Json;
using DurableAgents.Agents;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DurableAgents.Mcp;

/// <summary>
/// One tool of an MCP server, from the journaled listing. Each call runs as the journaled step
/// <c>mcp:{server}:{tool}:{callId}</c> through the same path as other tools (approvals, retries, tool errors, the
/// <c>execute_tool</c> span with <c>gen_ai.tool.type = extension</c>).
/// </summary>
internal sealed class McpTool : DurableTool
{
    private readonly McpServer _server;

    public McpTool(McpServer server, McpToolInfo info)
        : base((server.ToolNamePrefix ?? "") + info.Name, info.Description ?? "", info.InputSchema, server.RequiresApproval(info.Name))
    {
        _server = server;
        McpName = info.Name;
    }

    /// <summary>The tool's name on its server.</summary>
    public string McpName { get; }

    /// <summary>The server.</summary>
    public McpServer Server => _server;

    internal override ToolInvocation Start(IContext context, string callId, JsonElement arguments, ToolRunSettings settings)
    {
        var args = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in arguments.EnumerateObject())
            {
                args[p.Name] = p.Value.Clone();
            }
        }

        var sessions = McpSessions.For(context);
        var runSettings = _server.RetryPolicy is { } own ? settings with { RetryPolicy = own } : settings;
        return StepTool.Run(context, "mcp:" + _server.Name + ":" + McpName + ":" + callId, Name, Description, callId, "extension",
            ct => CallAsync(sessions, args, ct), runSettings);
    }

    private async Task<ToolOutcome> CallAsync(McpSessions sessions, Dictionary<string, JsonElement> args, CancellationToken cancellationToken)
    {
        var client = await sessions.GetAsync(_server, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_server.CallTimeout);
        CallToolResult result;
        try
        {
            result = await client.CallToolAsync(new CallToolRequestParams { Name = McpName, Arguments = args }, timeout.Token).ConfigureAwait(false);
        }
        catch (McpProtocolException e) when (e.ErrorCode is McpErrorCode.InvalidParams or McpErrorCode.MethodNotFound or McpErrorCode.InvalidRequest or McpErrorCode.ParseError)
        {
            // The server refused the request itself (unknown tool, invalid arguments): retrying cannot help; the model is told.
            return new ToolOutcome { Error = $"MCP error {(int)e.ErrorCode}: {e.Message}" };
        }
        catch (McpProtocolException)
        {
            // The server answered (the session is alive) with an internal error: retried per the retry policy.
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await sessions.DropAsync(_server, client).ConfigureAwait(false);
            throw new TimeoutException($"The MCP tool '{McpName}' of {_server} did not answer within {_server.CallTimeout}.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The transport failed (process exited, HTTP session expired, connection closed): reconnect on the next attempt.
            await sessions.DropAsync(_server, client).ConfigureAwait(false);
            throw;
        }

        return McpResults.ToOutcome(result, _server.MaxResultCharacters);
    }
}
