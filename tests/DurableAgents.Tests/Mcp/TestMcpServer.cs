using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace DurableAgents.Tests.Mcp;

/// <summary>One tool of the <see cref="TestMcpServer"/>: its schema and body.</summary>
public sealed record TestMcpTool(string Name, string Description, string InputSchema, Func<JsonElement, CancellationToken, Task<CallToolResult>> Body);

/// <summary>
/// An MCP server written with the official C# SDK (ModelContextProtocol.AspNetCore, Streamable HTTP on Kestrel on a free
/// loopback port), in the test process so it survives a kill -9 of the service. Its tool set can be changed while it
/// runs; it counts listings and calls on the server side.
/// </summary>
public sealed class TestMcpServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TestMcpTool> _tools = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Tool, string Arguments)> _calls = new();
    private WebApplication _app = null!;
    private int _listings;

    private TestMcpServer()
    {
    }

    /// <summary>The Streamable HTTP endpoint.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many <c>tools/list</c> requests the server answered.</summary>
    public int Listings => Volatile.Read(ref _listings);

    /// <summary>Every <c>tools/call</c> request the server received, in order (tool name, arguments JSON).</summary>
    public IReadOnlyList<(string Tool, string Arguments)> Calls => _calls.ToArray();

    /// <summary>The number of calls of <paramref name="tool"/> whose <c>label</c> argument is <paramref name="label"/>.</summary>
    public int CallCount(string tool, string label)
        => Calls.Count(c => c.Tool == tool && JsonDocument.Parse(c.Arguments).RootElement is { ValueKind: JsonValueKind.Object } args
            && args.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String && l.GetString() == label);

    /// <summary>Adds or replaces a tool.</summary>
    public void Set(TestMcpTool tool) => _tools[tool.Name] = tool;

    /// <summary>Removes a tool.</summary>
    public void Remove(string name) => _tools.TryRemove(name, out _);

    public static CallToolResult Text(string text, bool isError = false)
        => new() { Content = [new TextContentBlock { Text = text }], IsError = isError };

    public static async Task<TestMcpServer> StartAsync()
    {
        var server = new TestMcpServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "durableagents-test", Version = "1.0" })
            .WithHttpTransport()
            .WithListToolsHandler((request, ct) =>
            {
                Interlocked.Increment(ref server._listings);
                var tools = server._tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new Tool
                {
                    Name = t.Name,
                    Description = t.Description,
                    InputSchema = JsonDocument.Parse(t.InputSchema).RootElement.Clone(),
                }).ToList();
                return ValueTask.FromResult(new ListToolsResult { Tools = tools });
            })
            .WithCallToolHandler(async (request, ct) =>
            {
                var p = request.Params!;
                var args = JsonSerializer.SerializeToElement(p.Arguments ?? new Dictionary<string, JsonElement>(), TestMcpJsonContext.Default.IDictionaryStringJsonElement);
                server._calls.Enqueue((p.Name, args.GetRawText()));
                if (!server._tools.TryGetValue(p.Name, out var tool))
                {
                    throw new McpProtocolException($"Unknown tool '{p.Name}'.", McpErrorCode.InvalidParams);
                }

                return await tool.Body(args, ct);
            });
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server._app = app;
        server.Endpoint = new Uri(address.TrimEnd('/') + "/mcp");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
