using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using DurableAgents;

namespace DurableAgents.BenchService;

/// <summary>The benchmark handlers; bench/e2e/ts/service.mjs does the same work on the TypeScript SDK.</summary>
[Service("Bench")]
public sealed partial class BenchHandlers
{
    /// <summary>The fake OpenAI-compatible model (set from the command line).</summary>
    public static Uri ModelUri = new("http://127.0.0.1:1/v1/chat/completions");

    /// <summary>One HttpClient for the model calls (a durable step's side effect).</summary>
    public static readonly HttpClient Http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512 });

    /// <summary>No-op: echo the input.</summary>
    [Handler("noop")]
    public static Task<JsonElement> NoopAsync(IContext context, JsonElement input) => Task.FromResult(input);

    /// <summary>Ten sequential run steps, each journaling a small number.</summary>
    [Handler("steps10")]
    public static async Task<int> Steps10Async(IContext context, JsonElement input)
    {
        var total = 0;
        for (var i = 1; i <= 10; i++)
        {
            var step = i;
            total += await context.RunAsync($"step{step}", _ => Task.FromResult(step));
        }

        return total;
    }

    /// <summary>
    /// One agent turn against the local fake model: a run step that POSTs the chat request and journals the completion,
    /// then one tool step that runs the tool the model asked for.
    /// </summary>
    [Handler("agentTurn")]
    public static async Task<TurnResult> AgentTurnAsync(IContext context, TurnRequest request)
    {
        var completion = await context.RunAsync("llm", async ct =>
        {
            var chat = new ChatRequest("fake", [new ChatMessage("user", request.Message ?? "weather in Paris?")],
                [new ToolSpec("function", new FunctionSpec("get_weather", WeatherSchema))]);
            using var response = await Http.PostAsJsonAsync(ModelUri, chat, BenchJson.Default.ChatRequest, ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync(BenchJson.Default.ChatCompletion, ct) ?? throw new InvalidOperationException("empty completion");
            var message = body.Choices[0].Message;
            return new Completion(message.Content ?? "", [.. (message.ToolCalls ?? []).Select(c => new ToolCall(c.Id, c.Function.Name, c.Function.Arguments))]);
        });
        var call = completion.ToolCalls[0];
        var args = JsonSerializer.Deserialize(call.Arguments, BenchJson.Default.WeatherArgs)!;
        var result = await context.RunAsync($"tool:{call.Name}", _ => Task.FromResult(new WeatherResult(args.City, $"sunny in {args.City}", 21)));
        return new TurnResult(call.Id, result);
    }

    /// <summary>Memory per in-flight invocation: block on an awakeable that nobody completes.</summary>
    [Handler("hold")]
    public static async Task<string> HoldAsync(IContext context)
    {
        var awakeable = context.Awakeable<string>();
        await awakeable;
        return "released";
    }

    private static readonly JsonElement WeatherSchema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement.Clone();
}

public sealed record TurnRequest(string? Message);

public sealed record TurnResult(string ToolCallId, WeatherResult Result);

public sealed record WeatherArgs(string City);

public sealed record WeatherResult(string City, string Forecast, int Celsius);

public sealed record Completion(string Content, List<ToolCall> ToolCalls);

public sealed record ToolCall(string Id, string Name, string Arguments);

public sealed record ChatRequest(string Model, List<ChatMessage> Messages, List<ToolSpec> Tools);

public sealed record ChatMessage(string Role, string Content);

public sealed record ToolSpec(string Type, FunctionSpec Function);

public sealed record FunctionSpec(string Name, JsonElement Parameters);

public sealed record ChatCompletion(List<ChatChoice> Choices);

public sealed record ChatChoice(ChatResponseMessage Message);

public sealed record ChatResponseMessage(string? Content, [property: JsonPropertyName("tool_calls")] List<ChatToolCall>? ToolCalls);

public sealed record ChatToolCall(string Id, ChatFunctionCall Function);

public sealed record ChatFunctionCall(string Name, string Arguments);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(TurnRequest))]
[JsonSerializable(typeof(TurnResult))]
[JsonSerializable(typeof(WeatherArgs))]
[JsonSerializable(typeof(Completion))]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatCompletion))]
internal sealed partial class BenchJson : JsonSerializerContext;
