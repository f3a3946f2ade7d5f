using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// A local OpenAI-compatible chat-completions endpoint (Kestrel, 127.0.0.1, a free port) that logs every request by
/// (run, turn). Turn t of a run (t-1 assistant messages in the request) asks for the <c>lookup</c> tool while
/// t ≤ <see cref="ToolTurns"/>, then answers <c>done {run}</c>. Each answer waits <see cref="DelayMs"/> first, so a kill
/// can land while a model call is in flight.
/// </summary>
public sealed partial class CountingModel : IAsyncDisposable
{
    private const int MaxBodyBytes = 1 << 20;
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ModelRequest> _requests = new();

    private CountingModel(WebApplication app) => _app = app;

    /// <summary>The base URL for OPENAI_BASE_URL (ends in <c>/v1</c>).</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>How many turns call the tool before the final answer.</summary>
    public int ToolTurns { get; init; } = 2;

    /// <summary>The model's latency in milliseconds.</summary>
    public int DelayMs { get; init; } = 150;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ModelRequest> Requests => [.. _requests];

    /// <summary>Starts the model on a free loopback port.</summary>
    public static async Task<CountingModel> StartAsync(int toolTurns, int delayMs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1AndHttp2);
        });
        var app = builder.Build();
        var model = new CountingModel(app) { ToolTurns = toolTurns, DelayMs = delayMs };
        app.MapPost("/v1/chat/completions", model.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        model.BaseUri = new Uri(address.TrimEnd('/') + "/v1");
        return model;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var messages = body?["messages"]?.AsArray() ?? [];
        var assistants = messages.Count(m => m?["role"]?.ToString() == "assistant");
        var user = messages.LastOrDefault(m => m?["role"]?.ToString() == "user")?["content"]?.ToString() ?? "";
        var match = RunMarker().Match(user);
        var run = match.Success ? match.Value : "";
        var turn = assistants + 1;
        _requests.Enqueue(new ModelRequest(run, turn, DateTime.UtcNow.Ticks));
        var tool = (body?["tools"]?.AsArray() ?? []).Select(t => t?["function"]?["name"]?.ToString()).FirstOrDefault(n => n is not null) ?? "lookup";
        await Task.Delay(DelayMs, http.RequestAborted);

        var message = new JsonObject { ["role"] = "assistant" };
        string finish;
        if (turn <= ToolTurns)
        {
            message["content"] = null;
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = $"call-{run}-{turn}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject { ["run"] = run, ["turn"] = turn }.ToJsonString() },
            });
            finish = "tool_calls";
        }
        else
        {
            message["content"] = $"done {run}";
            finish = "stop";
        }

        var response = new JsonObject
        {
            ["id"] = $"chatcmpl-{run}-{turn}",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = "chaos-model",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
        };
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(response.ToJsonString(), http.RequestAborted);
    }

    [GeneratedRegex(@"agent-\d+")]
    private static partial Regex RunMarker();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
