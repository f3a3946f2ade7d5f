using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Agents;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Observability;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using Microsoft.Extensions.AI;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Observability;

/// <summary>
/// The DurableAgents Meter (and the GenAI spans of model and tool calls) through the journal harness: an agent run is
/// replayed attempt by attempt, and the model calls, tokens and tool calls counted over all attempts equal what the
/// scripted model and tool really did: a journaled model turn or tool result is never counted again.
/// </summary>
[NonParallelizable] // the MeterListener and ActivityListener are process-wide
public sealed class MetricsTests
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Asks for one tool on turn 1 and answers on turn 2; reports its usage and its model id.</summary>
    private sealed class ScriptedModel(string modelId) : IChatClient
    {
        public int Calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            var message = messages.Any(m => m.Role == ChatRole.Tool)
                ? new ChatMessage(ChatRole.Assistant, "It is sunny.")
                : new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["city"] = "Paris" })]);
            return Task.FromResult(new ChatResponse(message)
            {
                ModelId = modelId + "-2026",
                FinishReason = ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3 },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, modelId) : null;

        public void Dispose() { }
    }

    private static readonly JsonTypeInfo<string> StringInfo = Serialization.BuiltInJsonContext.Default.String;

    private MeterListener _meters = null!;
    private ActivityListener _spans = null!;
    private ConcurrentQueue<Measurement> _measurements = null!;
    private ConcurrentQueue<Activity> _activities = null!;

    [SetUp]
    public void Listen()
    {
        var measurements = _measurements = new ConcurrentQueue<Measurement>();
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == DurableAgentsMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue(new Measurement(i.Name, v, ToDictionary(tags))));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue(new Measurement(i.Name, v, ToDictionary(tags))));
        _meters.Start();

        var activities = _activities = new ConcurrentQueue<Activity>();
        _spans = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DurableAgentsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => activities.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_spans);
    }

    [TearDown]
    public void StopListening()
    {
        _meters.Dispose();
        _spans.Dispose();
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in tags)
        {
            d[k] = v;
        }

        return d;
    }

    private double Sum(string instrument, params (string Key, object? Value)[] where)
        => _measurements.Where(m => m.Instrument == instrument && where.All(w => m.Tags.TryGetValue(w.Key, out var v) && Equals(v, w.Value))).Sum(m => m.Value);

    private static (ServiceDefinition Service, ScriptedModel Model, List<string> Executed) Agent(string serviceName, string modelId)
    {
        var model = new ScriptedModel(modelId);
        var executed = new List<string>();
        var tool = DurableTool.FromStep("lookup", "Looks the weather up.", """{"type":"object","properties":{"city":{"type":"string"}}}""", false,
            (ctx, args) =>
            {
                var city = args.GetProperty("city").GetString()!;
                return ct =>
                {
                    lock (executed) executed.Add(city);
                    return Task.FromResult(JsonSerializer.SerializeToElement("sunny in " + city, StringInfo));
                };
            });
        var service = new ServiceDefinition
        {
            Name = serviceName,
            Type = ServiceType.Service,
            JsonTypeInfoResolver = JsonTypeInfoResolver.Combine(TestJsonContext.Default, AgentJson.Resolver),
            Handlers =
            [
                Handler<string, AgentResponse>("run", (ctx, message) =>
                {
                    var options = new DurableAgentOptions { ChatClient = model };
                    options.Tools.Add(tool);
                    return DurableAgentRunner.RunAsync(ctx, message, options);
                }),
            ],
        };
        return (service, model, executed);
    }

    private static string Proposal(JournalRunResult result)
    {
        var n = JsonNode.Parse(result.Messages.Single(m => m.Type == MessageType.ProposeRunCompletion).Text)!;
        return Encoding.UTF8.GetString(Convert.FromBase64String(n["value"]!.ToString()));
    }

    [Test]
    public async Task Model_calls_tokens_and_tool_calls_are_counted_once_over_a_run_replayed_attempt_by_attempt()
    {
        var modelId = "metrics-model-" + Guid.NewGuid().ToString("N")[..8];
        var (service, model, executed) = Agent("MeteredAgent", modelId);
        var byModel = (DurableAgentsTelemetry.RequestModelTag, (object?)modelId);

        // Attempt 1: turn 1 goes to the model (request/response mode: it suspends once the response is proposed).
        var first = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"weather?\"").Build());
        var llm1 = Proposal(first);
        Assert.Multiple(() =>
        {
            Assert.That(Sum(DurableAgentsMetrics.ModelCalls, byModel), Is.EqualTo(1));
            Assert.That(Sum(DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "input")), Is.EqualTo(7));
            Assert.That(Sum(DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "output")), Is.EqualTo(3));
            Assert.That(Sum(DurableAgentsMetrics.ModelCalls, byModel, (DurableAgentsTelemetry.ResponseModelTag, modelId + "-2026"),
                (DurableAgentsTelemetry.OperationNameTag, "chat"), (DurableAgentsTelemetry.ProviderNameTag, "scripted")), Is.EqualTo(1));
            Assert.That(_measurements.Count(m => m.Instrument == DurableAgentsMetrics.ModelCallDuration && Equals(m.Tags.GetValueOrDefault(DurableAgentsTelemetry.RequestModelTag), modelId)), Is.EqualTo(1));
            Assert.That(Sum(DurableAgentsMetrics.Invocations, (DurableAgentsTelemetry.ServiceTag, "MeteredAgent"), (DurableAgentsTelemetry.HandlerTag, "run"),
                (DurableAgentsTelemetry.OutcomeTag, "suspended")), Is.EqualTo(1));
        });

        // Attempt 2: turn 1 is in the journal. The model is not called and its tokens are not counted again; the tool runs.
        var second = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"weather?\"").Run("llm:1", 1).RunCompletion(1, llm1).Build());
        var toolResult = Proposal(second);
        Assert.Multiple(() =>
        {
            Assert.That(model.Calls, Is.EqualTo(1));
            Assert.That(Sum(DurableAgentsMetrics.ModelCalls, byModel), Is.EqualTo(1), "a replayed model turn is not a model call");
            Assert.That(Sum(DurableAgentsMetrics.TokenUsage, byModel), Is.EqualTo(10), "nor are its tokens counted again");
            Assert.That(Sum(DurableAgentsMetrics.ToolCalls, (DurableAgentsTelemetry.ToolNameTag, "lookup"), (DurableAgentsTelemetry.ToolOutcomeTag, "result"),
                (DurableAgentsTelemetry.OperationNameTag, "execute_tool")), Is.EqualTo(1));
        });

        // Attempt 3: the tool result is journaled too; turn 2 goes to the model.
        var third = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"weather?\"")
            .Run("llm:1", 1).RunCompletion(1, llm1).Run("tool:lookup:call_1", 2).RunCompletion(2, toolResult).Build());
        var llm2 = Proposal(third);

        // Attempt 4: everything is journaled; the run ends without calling anything.
        var fourth = await JournalHarness.RunAsync(service, "run", new JournalBuilder().Input("\"weather?\"")
            .Run("llm:1", 1).RunCompletion(1, llm1).Run("tool:lookup:call_1", 2).RunCompletion(2, toolResult).Run("llm:2", 3).RunCompletion(3, llm2).Build());
        Assert.That(fourth.Outcome, Is.EqualTo(InvocationOutcome.Ended), fourth.ErrorMessage);

        // Over the four attempts: exactly what the provider and the tool saw.
        Assert.Multiple(() =>
        {
            Assert.That(model.Calls, Is.EqualTo(2));
            Assert.That(executed, Is.EqualTo(new[] { "Paris" }));
            Assert.That(Sum(DurableAgentsMetrics.ModelCalls, byModel), Is.EqualTo(model.Calls));
            Assert.That(Sum(DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "input")), Is.EqualTo(14));
            Assert.That(Sum(DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "output")), Is.EqualTo(6));
            Assert.That(Sum(DurableAgentsMetrics.ToolCalls, (DurableAgentsTelemetry.ToolNameTag, "lookup")), Is.EqualTo(executed.Count));
            Assert.That(Sum(DurableAgentsMetrics.Steps, (DurableAgentsTelemetry.StepKindTag, "llm")), Is.EqualTo(2), "two model steps executed");
            Assert.That(Sum(DurableAgentsMetrics.Steps, (DurableAgentsTelemetry.StepKindTag, "tool")), Is.EqualTo(1), "one tool step executed");
            // Replayed: llm:1 in attempts 2-4, the tool step in 3-4, llm:2 in 4.
            Assert.That(Sum(DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "llm")), Is.EqualTo(4), "model steps replayed from the journal");
            Assert.That(Sum(DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "tool")), Is.EqualTo(2), "tool steps replayed from the journal");
            Assert.That(Sum(DurableAgentsMetrics.Invocations, (DurableAgentsTelemetry.ServiceTag, "MeteredAgent"), (DurableAgentsTelemetry.OutcomeTag, "suspended")), Is.EqualTo(3));
            Assert.That(Sum(DurableAgentsMetrics.Invocations, (DurableAgentsTelemetry.ServiceTag, "MeteredAgent"), (DurableAgentsTelemetry.OutcomeTag, "ended")), Is.EqualTo(1));
            Assert.That(_measurements.Count(m => m.Instrument == DurableAgentsMetrics.InvocationDuration && Equals(m.Tags.GetValueOrDefault(DurableAgentsTelemetry.ServiceTag), "MeteredAgent")),
                Is.EqualTo(4), "one duration per attempt");
        });

        // The GenAI spans: one chat span per real model call, one execute_tool span per real tool call.
        var chats = _activities.Where(a => Equals(a.GetTagItem(DurableAgentsTelemetry.RequestModelTag), modelId) && Equals(a.GetTagItem(DurableAgentsTelemetry.OperationNameTag), "chat")).ToList();
        Assert.That(chats, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(chats.Select(a => a.OperationName), Is.All.EqualTo("chat " + modelId));
            Assert.That(chats.Select(a => a.Kind), Is.All.EqualTo(ActivityKind.Client));
            Assert.That(chats.Select(a => a.GetTagItem(DurableAgentsTelemetry.InputTokensTag)), Is.All.EqualTo(7L));
            Assert.That(chats.Select(a => a.GetTagItem(DurableAgentsTelemetry.OutputTokensTag)), Is.All.EqualTo(3L));
            Assert.That(chats.Select(a => a.GetTagItem(DurableAgentsTelemetry.StepNameTag)), Is.EquivalentTo(new[] { "llm:1", "llm:2" }));
            Assert.That(chats.Select(a => a.GetTagItem(DurableAgentsTelemetry.ResponseModelTag)), Is.All.EqualTo(modelId + "-2026"));
            Assert.That(chats.Select(a => a.Parent?.OperationName), Is.EquivalentTo(new[] { "run llm:1", "run llm:2" }), "a child of its step span");
        });
        var tools = _activities.Where(a => a.OperationName == "execute_tool lookup").ToList();
        Assert.That(tools, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(tools[0].GetTagItem(DurableAgentsTelemetry.OperationNameTag), Is.EqualTo("execute_tool"));
            Assert.That(tools[0].GetTagItem(DurableAgentsTelemetry.ToolCallIdTag), Is.EqualTo("call_1"));
            Assert.That(tools[0].GetTagItem(DurableAgentsTelemetry.ToolOutcomeTag), Is.EqualTo("result"));
            Assert.That(tools[0].GetTagItem(DurableAgentsTelemetry.ToolDescriptionTag), Is.EqualTo("Looks the weather up."));
        });

        // One invoke_agent span per attempt; its usage is what that attempt spent: attempts 2 and 4 only replay model turns.
        var agents = _activities.Where(a => a.OperationName == "invoke_agent agent" && Equals(a.GetTagItem(DurableAgentsTelemetry.RequestModelTag), modelId)).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.That(agents, Has.Count.EqualTo(4));
        Assert.Multiple(() =>
        {
            Assert.That(agents.Select(a => a.Kind), Is.All.EqualTo(ActivityKind.Internal));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.OperationNameTag)), Is.All.EqualTo("invoke_agent"));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.AgentNameTag)), Is.All.EqualTo("agent"));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.ProviderNameTag)), Is.All.EqualTo("scripted"));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.ConversationIdTag)), Is.All.Null, "not a session agent");
            Assert.That(agents.Select(a => a.Parent?.OperationName), Is.All.EqualTo("invoke MeteredAgent/run"), "a child of the attempt span");
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.InputTokensTag)), Is.EqualTo(new object?[] { 7L, null, 7L, null }));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.OutputTokensTag)), Is.EqualTo(new object?[] { 3L, null, 3L, null }));
            Assert.That(agents.Sum(a => (long?)a.GetTagItem(DurableAgentsTelemetry.InputTokensTag) ?? 0), Is.EqualTo(Sum(DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "input"))));
            Assert.That(agents[3].GetTagItem(DurableAgentsTelemetry.ResponseModelTag), Is.EqualTo(modelId + "-2026"), "the run's last (replayed) turn");
            Assert.That(chats.Select(c => c.Parent?.Parent), Is.EquivalentTo(new[] { agents[0], agents[2] }), "chat under run llm:n under invoke_agent");
            Assert.That(tools[0].Parent?.Parent, Is.SameAs(agents[1]));
        });

        // The replayed steps: a run span each (restate.replayed=true) under the attempt's invoke_agent span, with no children.
        var runs = _activities.Where(a => a.OperationName.StartsWith("run ", StringComparison.Ordinal) && a.Parent is { } p && agents.Contains(p)).ToList();
        var replayedRuns = runs.Where(a => Equals(a.GetTagItem(DurableAgentsTelemetry.ReplayedTag), true)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(runs.Where(a => Equals(a.GetTagItem(DurableAgentsTelemetry.ReplayedTag), false)).Select(a => a.OperationName),
                Is.EquivalentTo(new[] { "run llm:1", "run tool:lookup:call_1", "run llm:2" }), "executed once each");
            Assert.That(replayedRuns.Select(a => (agents.IndexOf(a.Parent!), a.OperationName)), Is.EquivalentTo(new[]
            {
                (1, "run llm:1"),
                (2, "run llm:1"), (2, "run tool:lookup:call_1"),
                (3, "run llm:1"), (3, "run tool:lookup:call_1"), (3, "run llm:2"),
            }));
            Assert.That(_activities.Where(a => a.Parent is { } p && replayedRuns.Contains(p)), Is.Empty, "nothing runs under a replayed step");
        });
    }

    [Test]
    public async Task A_failing_tool_is_counted_with_its_outcome()
    {
        var tool = DurableTool.FromStep("broken", "Fails.", "", false, (_, _) => _ => throw new InvalidOperationException("no weather today"));
        var service = Service("MeteredTool", Handler<string, string>("go", async (ctx, _) =>
        {
            var call = tool.Start(ctx, "call_9", JsonDocument.Parse("{}").RootElement, new ToolRunSettings(null, ToolErrorBehavior.ReturnToModel));
            var outcome = await call.Outcome();
            return outcome.Error ?? "";
        }));
        var result = await JournalHarness.RunAsync(service, "go", new JournalBuilder().Input("\"x\"").Build());
        Assert.That(Proposal(result), Does.Contain("no weather today"), "the error is journaled as the tool's value");
        Assert.That(Sum(DurableAgentsMetrics.ToolCalls, (DurableAgentsTelemetry.ToolNameTag, "broken"), (DurableAgentsTelemetry.ToolOutcomeTag, "error")), Is.EqualTo(1));
        var span = _activities.Single(a => a.OperationName == "execute_tool broken");
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
    }

    [Test]
    public void The_replayed_step_hook_counts_by_kind_and_emits_a_replayed_run_span_under_the_current_span()
    {
        DurableAgentsTelemetry.StepReplayed("inv_hooked", "tool:lookup:call_7"); // no current span: a root span

        using (var attempt = DurableAgentsTelemetry.Source.StartActivity("invoke Hooked/run"))
        {
            DurableAgentsTelemetry.StepReplayed("inv_hooked", "llm:3");
            DurableAgentsTelemetry.StepReplayed("inv_hooked", "my step");
            var replayed = _activities.Where(a => Equals(a.GetTagItem(DurableAgentsTelemetry.InvocationIdTag), "inv_hooked")).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(Sum(DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "tool")), Is.EqualTo(1));
                Assert.That(Sum(DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "llm")), Is.EqualTo(1));
                Assert.That(Sum(DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "run")), Is.EqualTo(1));
                Assert.That(replayed.Select(a => a.OperationName), Is.EqualTo(new[] { "run tool:lookup:call_7", "run llm:3", "run my step" }), "stopped at once, in order");
                Assert.That(replayed.Select(a => a.GetTagItem(DurableAgentsTelemetry.ReplayedTag)), Is.All.EqualTo(true));
                Assert.That(replayed.Select(a => a.GetTagItem(DurableAgentsTelemetry.StepNameTag)), Is.EqualTo(new[] { "tool:lookup:call_7", "llm:3", "my step" }));
                Assert.That(replayed[0].ParentSpanId, Is.EqualTo(default(ActivitySpanId)));
                Assert.That(replayed.Skip(1).Select(a => a.ParentSpanId), Is.All.EqualTo(attempt!.SpanId), "children of the attempt span");
                Assert.That(attempt.Events, Is.Empty, "the span is the only marker of a replayed step");
            });
        }

        // Nobody listening: still counted, but no span is built.
        _spans.Dispose();
        var before = _activities.Count;
        DurableAgentsTelemetry.StepReplayed("inv_hooked", "llm:4");
        Assert.That(_activities, Has.Count.EqualTo(before));
        Assert.That(Sum(DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "llm")), Is.EqualTo(2));
    }

    [Test]
    public void The_approval_wait_hook_holds_the_gauge_up_while_waiting()
    {
        var tag = (DurableAgentsTelemetry.ToolNameTag, (object?)"book_flight");
        var wait = DurableAgentsTelemetry.AwaitingApproval("book_flight");
        using (DurableAgentsTelemetry.AwaitingApproval("book_flight"))
        {
            Assert.That(Sum(DurableAgentsMetrics.ApprovalsWaiting, tag), Is.EqualTo(2));
        }

        Assert.That(Sum(DurableAgentsMetrics.ApprovalsWaiting, tag), Is.EqualTo(1));
        wait.Dispose();
        wait.Dispose(); // a second dispose does not count down again
        Assert.That(Sum(DurableAgentsMetrics.ApprovalsWaiting, tag), Is.EqualTo(0));
        Assert.That(_measurements.Count(m => m.Instrument == DurableAgentsMetrics.ApprovalsWaiting), Is.EqualTo(4));
    }

    [TestCase("llm:1", "llm")]
    [TestCase("compact:2", "compact")]
    [TestCase("tool:get_weather:call_abc", "tool")]
    [TestCase("approval:notify:call_1", "approval")]
    [TestCase("mcp:docs:tools", "mcp")]
    [TestCase("mcp:docs:search:call_1", "mcp")]
    [TestCase("now", "now")]
    [TestCase("charge card", "run")]
    [TestCase("llmx:1", "run")]
    public void Step_kinds_are_bounded(string name, string kind)
        => Assert.That(DurableAgentsTelemetry.StepKind(name), Is.EqualTo(kind));
}
