using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Tests.Agents;

/// <summary>One chat-completions request as the fake server saw it.</summary>
public sealed record FakeRequest(int Index, string Model, bool Stream, IReadOnlyList<(string Role, string Content, string? ToolCallId)> Messages, IReadOnlyList<string> Tools)
{
    private readonly ConcurrentQueue<string> _streamed = new();

    /// <summary>When the request arrived.</summary>
    public DateTimeOffset Received { get; } = DateTimeOffset.UtcNow;

    /// <summary>Whether the client asked for a usage chunk at the end of the stream (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>The content deltas the fake has written so far, one per SSE chunk (streaming requests only).</summary>
    public IReadOnlyList<string> StreamedContent => _streamed.ToArray();

    internal void Streamed(string content) => _streamed.Enqueue(content);

    /// <summary>The last user message.</summary>
    public string LastUser => Messages.LastOrDefault(m => m.Role == "user").Content ?? "";

    /// <summary>Tool results after the last user message.</summary>
    public IReadOnlyList<(string Role, string Content, string? ToolCallId)> ToolResults
    {
        get
        {
            var last = -1;
            for (var i = 0; i < Messages.Count; i++)
            {
                if (Messages[i].Role == "user") last = i;
            }

            return Messages.Skip(last + 1).Where(m => m.Role == "tool").ToList();
        }
    }
}

/// <summary>What the fake server answers: tool calls, text, or an HTTP error.</summary>
public sealed record FakeReply
{
    public IReadOnlyList<(string Id, string Name, string Arguments)> ToolCalls { get; init; } = [];

    public string? Text { get; init; }

    public int Status { get; init; } = 200;

    public string? RetryAfter { get; init; }

    /// <summary>Awaited before answering (e.g. a gate the test opens).</summary>
    public Func<Task>? Before { get; init; }

    /// <summary>Streaming only: awaited after the first content chunk has been flushed (a stream stalled half-way).</summary>
    public Func<Task>? Midway { get; init; }

    public static FakeReply Say(string text) => new() { Text = text };

    public static FakeReply Call(params (string Id, string Name, string Arguments)[] calls) => new() { ToolCalls = calls };
}

/// <summary>
/// A local OpenAI-compatible server (Kestrel on 127.0.0.1, a free port) answering <c>POST /v1/chat/completions</c>,
/// JSON or SSE streaming, from a script. It counts requests so tests can prove which model turns were paid for.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private const int ArgumentFragment = 6;
    private int _count;
    private long _billedInput;
    private long _billedOutput;

    private FakeOpenAIServer(WebApplication app, Func<FakeRequest, FakeReply> script)
    {
        _app = app;
        Script = script;
    }

    public Func<FakeRequest, FakeReply> Script { get; set; }

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<FakeRequest> Requests => _requests.ToList();

    /// <summary>Prompt tokens of the usage the fake has written out (what a provider would bill), over all requests.</summary>
    public long BilledInputTokens => Interlocked.Read(ref _billedInput);

    /// <summary>Completion tokens of the usage the fake has written out, over all requests.</summary>
    public long BilledOutputTokens => Interlocked.Read(ref _billedOutput);

    private void Bill(FakeRequest request)
    {
        Interlocked.Add(ref _billedInput, 10 * request.Index);
        Interlocked.Add(ref _billedOutput, 5);
    }

    public static async Task<FakeOpenAIServer> StartAsync(Func<FakeRequest, FakeReply> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOpenAIServer(app, script);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body);
        var messages = new List<(string, string, string?)>();
        foreach (var m in body?["messages"]?.AsArray() ?? [])
        {
            var content = m?["content"] switch
            {
                JsonValue v => v.ToString(),
                JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.ToString() ?? "")),
                _ => "",
            };
            messages.Add((m?["role"]?.ToString() ?? "", content, m?["tool_call_id"]?.ToString()));
        }

        var tools = (body?["tools"]?.AsArray() ?? []).Select(t => t?["function"]?["name"]?.ToString() ?? "").ToList();
        var stream = body?["stream"]?.GetValue<bool>() ?? false;
        var request = new FakeRequest(Interlocked.Increment(ref _count), body?["model"]?.ToString() ?? "", stream, messages, tools)
        {
            IncludeUsage = body?["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false,
        };
        _requests.Enqueue(request);
        var reply = Script(request);
        if (reply.Before is { } before)
        {
            await before();
        }

        if (reply.Status != 200)
        {
            http.Response.StatusCode = reply.Status;
            if (reply.RetryAfter is { } retryAfter)
            {
                http.Response.Headers["Retry-After"] = retryAfter;
            }

            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = "fake error " + reply.Status, ["type"] = "invalid_request_error", ["code"] = null },
            }.ToJsonString());
            return;
        }

        var id = "chatcmpl-" + request.Index;
        var finish = reply.ToolCalls.Count > 0 ? "tool_calls" : "stop";
        if (!stream)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text };
            if (reply.ToolCalls.Count > 0)
            {
                message["tool_calls"] = new JsonArray(reply.ToolCalls.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
                }).ToArray());
            }

            var response = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = "fake-model",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 10 * request.Index, ["completion_tokens"] = 5, ["total_tokens"] = 10 * request.Index + 5 },
            };
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(response.ToJsonString());
            Bill(request);
            return;
        }

        // SSE the way OpenAI streams: a role chunk; per tool call a chunk with its id and name, then its arguments in
        // fragments; the text word by word (the deltas concatenate to the text exactly); the finish reason; a usage chunk
        // with no choices when the client asked for it; [DONE].
        http.Response.ContentType = "text/event-stream";
        async Task Chunk(JsonObject? delta, string? finishReason, JsonObject? usage = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_700_000_000,
                ["model"] = "fake-model",
                ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
            };
            if (usage is not null)
            {
                chunk["usage"] = usage;
            }

            await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await http.Response.Body.FlushAsync();
        }

        await Chunk(new JsonObject { ["role"] = "assistant" }, null);
        for (var i = 0; i < reply.ToolCalls.Count; i++)
        {
            var c = reply.ToolCalls[i];
            await Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = i,
                    ["id"] = c.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = "" },
                }),
            }, null);
            for (var at = 0; at < c.Arguments.Length; at += ArgumentFragment)
            {
                var fragment = c.Arguments.Substring(at, Math.Min(ArgumentFragment, c.Arguments.Length - at));
                await Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = fragment } }),
                }, null);
            }
        }

        var words = (reply.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var w = 0; w < words.Length; w++)
        {
            var content = w == 0 ? words[w] : " " + words[w];
            await Chunk(new JsonObject { ["content"] = content }, null);
            request.Streamed(content);
            if (w == 0 && reply.Midway is { } midway)
            {
                await midway();
            }
        }

        await Chunk(new JsonObject(), finish);
        if (request.IncludeUsage)
        {
            await Chunk(null, null, new JsonObject { ["prompt_tokens"] = 10 * request.Index, ["completion_tokens"] = 5, ["total_tokens"] = 10 * request.Index + 5 });
            Bill(request);
        }

        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
