using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Agents;
using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using Microsoft.Extensions.AI;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Agents;

/// <summary>
/// The agent loop against scripted journals (<see cref="JournalHarness"/>: the real state machine, no server): parallel
/// tool calls are journaled in call order whatever order they finish in, replays do not run tools or call the model
/// again, and streamed responses are journaled and replayed as updates.
/// </summary>
public sealed class AgentReplayTests
{
    /// <summary>A model that asks for three tools on turn 1 and answers on turn 2; counts its calls.</summary>
    private sealed class ScriptedModel : IChatClient
    {
        public int Calls;
        public int StreamCalls;
        public List<IReadOnlyList<ChatMessage>> Seen { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            var list = messages.ToList();
            Seen.Add(list);
            var message = list.Any(m => m.Role == ChatRole.Tool)
                ? new ChatMessage(ChatRole.Assistant, "done")
                : new ChatMessage(ChatRole.Assistant,
                [
                    new FunctionCallContent("call_a", "slow", new Dictionary<string, object?> { ["ms"] = 300 }),
                    new FunctionCallContent("call_b", "slow", new Dictionary<string, object?> { ["ms"] = 150 }),
                    new FunctionCallContent("call_c", "slow", new Dictionary<string, object?> { ["ms"] = 0 }),
                ]);
            return Task.FromResult(new ChatResponse(message) { ModelId = "scripted", Usage = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3 } });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref StreamCalls);
            foreach (var part in new[] { "Hel", "lo ", "world" })
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, part) { MessageId = "m1", ResponseId = "r1", ModelId = "scripted" };
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private static readonly JsonTypeInfo<int> IntInfo = (JsonTypeInfo<int>)Serialization.BuiltInJsonContext.Default.GetTypeInfo(typeof(int))!;

    private static (ServiceDefinition Service, ScriptedModel Model, List<string> Executed, List<ChatResponseUpdate> Updates) Agent(bool streaming = false)
    {
        var model = new ScriptedModel();
        var executed = new List<string>();
        var updates = new List<ChatResponseUpdate>();
        var tool = DurableTool.FromStep("slow", "Waits a while.", """{"type":"object","properties":{"ms":{"type":"integer"}},"required":["ms"]}""", false,
            (ctx, args) =>
            {
                var ms = args.GetProperty("ms").GetInt32();
                return async ct =>
                {
                    await Task.Delay(ms, ct);
                    lock (executed) executed.Add("slow:" + ms);
                    return JsonSerializer.SerializeToElement(ms, IntInfo);
                };
            });
        var service = new ServiceDefinition
        {
            Name = "ReplayAgent",
            Type = ServiceType.Service,
            JsonTypeInfoResolver = JsonTypeInfoResolver.Combine(TestJsonContext.Default, AgentJson.Resolver),
            Handlers =
            [
                Handler<string, AgentResponse>("run", (ctx, message) =>
                {
                    var options = new DurableAgentOptions { ChatClient = model, Streaming = streaming, OnUpdate = u => { lock (updates) updates.Add(u); } };
                    options.Tools.Add(tool);
                    return DurableAgentRunner.RunAsync(ctx, message, options);
                }),
            ],
        };
        return (service, model, executed, updates);
    }

    private static List<string> RunNames(JournalRunResult result)
        => result.Messages.Where(m => m.Type == MessageType.RunCommand).Select(m => JsonNode.Parse(m.Text)!["name"]!.ToString()).ToList();

    private static List<(int Id, string Json)> Proposals(JournalRunResult result)
        => result.Messages.Where(m => m.Type == MessageType.ProposeRunCompletion)
            .Select(m => JsonNode.Parse(m.Text)!)
            .Select(n => ((int)n["resultCompletionId"]!.GetValue<long>(), Encoding.UTF8.GetString(Convert.FromBase64String(n["value"]!.ToString()))))
            .ToList();

    [Test]
    public async Task Parallel_tool_calls_are_journaled_in_call_order_and_replayed_without_running_again()
    {
        var (service, model, executed, _) = Agent();

        // Attempt 1: the model's response is proposed for the journal.
        var first = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"go\"").Build());
        Assert.That(RunNames(first), Is.EqualTo(new[] { "llm:1" }));
        var llm1 = Proposals(first).Single().Json;
        Assert.That(llm1, Does.Contain("\"callId\":\"call_a\"").And.Contain("\"modelId\":\"scripted\""), "the whole response is journaled");

        // Attempt 2 (twice): the three tools start in call order; they finish in the opposite order.
        var afterModel = new JournalBuilder().Input("\"go\"").Run("llm:1", 1).RunCompletion(1, llm1).Build();
        List<(int Id, string Json)> toolProposals = [];
        for (var attempt = 0; attempt < 2; attempt++)
        {
            lock (executed) executed.Clear();
            var second = await JournalHarness.RunAsync(service, "run", afterModel);
            Assert.That(RunNames(second), Is.EqualTo(new[] { "tool:slow:call_a", "tool:slow:call_b", "tool:slow:call_c" }), "journal order = the model's call order");
            toolProposals = Proposals(second);
            Assert.That(toolProposals.Select(p => p.Id), Is.EqualTo(new[] { 4, 3, 2 }), "they ran concurrently: the fastest finished first");
            Assert.That(executed, Is.EqualTo(new[] { "slow:0", "slow:150", "slow:300" }));
        }

        Assert.That(model.Calls, Is.EqualTo(1), "the journaled model response was replayed, not requested again");

        // Attempt 3: the tool results are in the journal (in completion order): nothing runs again, turn 2 sees them in call order.
        lock (executed) executed.Clear();
        var journal = new JournalBuilder().Input("\"go\"").Run("llm:1", 1).RunCompletion(1, llm1)
            .Run("tool:slow:call_a", 2).Run("tool:slow:call_b", 3).Run("tool:slow:call_c", 4);
        foreach (var (id, json) in toolProposals)
        {
            journal.RunCompletion((uint)id, json);
        }

        var third = await JournalHarness.RunAsync(service, "run", journal.Build());
        Assert.That(executed, Is.Empty, "replayed tool steps do not run");
        Assert.That(RunNames(third), Is.EqualTo(new[] { "llm:2" }));
        Assert.That(model.Calls, Is.EqualTo(2));
        var results = model.Seen[^1].SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        Assert.That(results.Select(r => r.CallId), Is.EqualTo(new[] { "call_a", "call_b", "call_c" }));
        Assert.That(results.Select(r => ((JsonElement)r.Result!).GetInt32()), Is.EqualTo(new[] { 300, 150, 0 }));
    }

    [Test]
    public async Task Streaming_is_live_the_first_time_and_replayed_from_the_journal_afterwards()
    {
        var (service, model, _, updates) = Agent(streaming: true);

        var first = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"hi\"").Build());
        Assert.That(updates.Select(u => u.Text), Is.EqualTo(new[] { "Hel", "lo ", "world" }), "the caller saw the live updates");
        Assert.That(model.StreamCalls, Is.EqualTo(1));
        var journaled = Proposals(first).Single().Json;
        Assert.That(journaled, Does.Contain("Hello world"), "the aggregated response is what is journaled");

        updates.Clear();
        var replay = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"hi\"").Run("llm:1", 1).RunCompletion(1, journaled).Build());
        Assert.That(model.StreamCalls, Is.EqualTo(1), "the model is not called on replay");
        Assert.That(string.Concat(updates.Select(u => u.Text)), Is.EqualTo("Hello world"), "the journaled response is replayed as updates");
        var output = replay.Messages.Single(m => m.Type == MessageType.OutputCommand).Text;
        var value = Encoding.UTF8.GetString(Convert.FromBase64String(JsonNode.Parse(output)!["value"]!["content"]!.ToString()));
        Assert.That(JsonNode.Parse(value)!["text"]!.ToString(), Is.EqualTo("Hello world"));
    }
}
