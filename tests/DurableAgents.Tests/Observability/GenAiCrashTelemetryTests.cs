using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Agents;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Observability;
using DurableAgents.Testing;
using DurableAgents.Tests.Agents;
using DurableAgents.Tests.FaultInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Observability;

/// <summary>
/// GenAI telemetry across a real crash and replay, exported through the OpenTelemetry SDK (in-memory exporters): a
/// session agent served in this process, the real restate-server, the real OpenAI client against the fake server. The
/// endpoint is killed (connections aborted, no drain) while the second model turn is in flight; a new endpoint on the
/// same address takes Restate's retry. The spans and metrics then show each journaled step executed once, the replayed
/// steps marked, and exactly the tokens the provider billed.
/// </summary>
[TestFixture]
[NonParallelizable] // the TracerProvider and MeterProvider listen process-wide
public sealed class GenAiCrashTelemetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly JsonTypeInfo<string> StringInfo = Serialization.BuiltInJsonContext.Default.String;

    [Test]
    public async Task A_crash_mid_run_exports_each_model_turn_and_tool_call_once_and_marks_the_replayed_steps()
    {
        var model = "otel-model-" + Guid.NewGuid().ToString("N")[..8];
        var toolName = "lookup_" + Guid.NewGuid().ToString("N")[..8];
        var sessionKey = "conversation-" + Guid.NewGuid().ToString("N")[..8];
        var spans = new LockedList<Activity>();
        var metrics = new List<MetricSnapshot>();
        // AlwaysOn: restate-server passes a not-sampled trace context when its own tracing is off, and the default
        // ParentBased sampler would drop every span under it (docs/observability.md).
        using var tracer = Sdk.CreateTracerProviderBuilder().SetSampler(new AlwaysOnSampler()).AddSource(DurableAgentsTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(DurableAgentsMetrics.MeterName).AddInMemoryExporter(metrics).Build();

        // The fake model: turn 1 asks for the tool; turn 2 answers, the first time only once the test opens the gate.
        var turn2InFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondTurns = 0;
        await using var fake = await FakeOpenAIServer.StartAsync(request =>
        {
            if (request.ToolResults.Count == 0)
            {
                return FakeReply.Call(("call_1", toolName, """{"city":"Paris"}"""));
            }

            return Interlocked.Increment(ref secondTurns) == 1
                ? new FakeReply { Text = "It is sunny in Paris.", Before = async () => { turn2InFlight.TrySetResult(); await gate.Task; } }
                : FakeReply.Say("It is sunny in Paris.");
        });
        var chat = DurableAgentModels.OpenAICompatible(model, "k", fake.BaseUri);
        var toolRuns = 0;
        var service = SessionAgent(chat, toolName, () => Interlocked.Increment(ref toolRuns));

        await using var server = await RestateServer.StartAsync();
        var endpoint = await StartEndpointAsync(0, service);
        var port = endpoint.Port;
        string invocationId;
        try
        {
            await server.RegisterAsync(endpoint.Uri);
            var sent = await server.Ingress.SendRawAsync(CallTarget.ForObject("OtelSessionAgent", sessionKey, "run"), Encoding.UTF8.GetBytes("\"Weather in Paris?\""));
            invocationId = sent.InvocationId;

            // The second model turn reaches the provider only after turn 1 and the tool result were journaled (acknowledged).
            await turn2InFlight.Task.WaitAsync(Patience);
            Assert.That(toolRuns, Is.EqualTo(1));
        }
        finally
        {
            await endpoint.KillAsync();
        }

        // The killed attempt unwinds: its invocation and agent spans end (the agent's with the usage of turn 1 only).
        await WaitUntilAsync(() => Attempts(spans, invocationId).Count == 1 && AgentSpans(spans, invocationId).Count == 1, "the killed attempt's spans to end", spans);

        // The provider answers the orphaned turn 2 anyway: that response was really produced (and billed), so it is traced
        // and counted, although its step was never journaled.
        gate.TrySetResult();
        await WaitUntilAsync(() => ChatSpans(spans, model).Count == 2, "the orphaned model call to end", spans);

        await using (var replacement = await StartEndpointAsync(port, service))
        {
            var output = Encoding.UTF8.GetString(await StepLog.AttachAsync(server.Ingress, invocationId, Patience));
            Assert.That(output, Does.Contain("It is sunny in Paris."));
            await WaitUntilAsync(() => Attempts(spans, invocationId).Count == 2 && AgentSpans(spans, invocationId).Count == 2, "the second attempt's spans to end", spans);
        }

        tracer.ForceFlush();
        meter.ForceFlush();
        var all = spans.Snapshot();

        // The provider's view: turn 1 once, turn 2 twice (in flight at the kill, asked again by the retry), one tool run.
        var requests = fake.Requests;
        Assert.Multiple(() =>
        {
            Assert.That(requests, Has.Count.EqualTo(3));
            Assert.That(requests.Count(r => r.ToolResults.Count > 0), Is.EqualTo(2), "turn 2 really went to the provider twice");
            Assert.That(fake.BilledInputTokens, Is.EqualTo(10 + 20 + 30), "every request was answered with its usage");
            Assert.That(toolRuns, Is.EqualTo(1), "the journaled tool result was replayed, not run again");
        });

        // Spans: one chat span per provider call, one execute_tool span per tool run.
        var chats = ChatSpans(spans, model);
        var tools = all.Where(s => s.OperationName == "execute_tool " + toolName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(chats, Has.Count.EqualTo(requests.Count), "exactly one chat span per provider call");
            Assert.That(chats.Count(c => Equals(c.GetTagItem(DurableAgentsTelemetry.StepNameTag), "llm:1")), Is.EqualTo(1), "the journaled turn 1: once");
            Assert.That(chats.Count(c => Equals(c.GetTagItem(DurableAgentsTelemetry.StepNameTag), "llm:2")), Is.EqualTo(2), "turn 2: once per provider call");
            Assert.That(chats.Sum(c => (long)c.GetTagItem(DurableAgentsTelemetry.InputTokensTag)!), Is.EqualTo(fake.BilledInputTokens));
            Assert.That(chats.Sum(c => (long)c.GetTagItem(DurableAgentsTelemetry.OutputTokensTag)!), Is.EqualTo(fake.BilledOutputTokens));
            Assert.That(tools, Has.Count.EqualTo(1), "exactly one execute_tool span per tool call");
            Assert.That(tools[0].GetTagItem(DurableAgentsTelemetry.ToolCallIdTag), Is.EqualTo("call_1"));
            Assert.That(tools[0].GetTagItem(DurableAgentsTelemetry.ToolDescriptionTag), Is.EqualTo("Looks the weather up."));
        });

        // Every span of an attempt is under that attempt's invocation span; the agent span sits in between.
        var attempts = Attempts(spans, invocationId);
        var byId = all.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var treeOf = all.Where(s => !attempts.Contains(s)).GroupBy(s => AttemptOf(s, byId, attempts)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.That(treeOf.Keys, Is.EquivalentTo(attempts), "no span outside the two attempts' trees");
        var (first, second) = (attempts[0], attempts[1]);
        var agents = AgentSpans(spans, invocationId);
        Assert.Multiple(() =>
        {
            Assert.That(first.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("failed"), "the killed attempt");
            Assert.That(second.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("ended"));
            Assert.That((int)second.GetTagItem(DurableAgentsTelemetry.KnownEntriesTag)!, Is.GreaterThan(1), "the retry replays a journal");
            Assert.That(agents.Select(a => a.ParentSpanId), Is.EqualTo(new[] { first.SpanId, second.SpanId }), "one invoke_agent span per attempt, a child of it");
            Assert.That(agents.Select(a => a.DisplayName), Is.All.EqualTo("invoke_agent OtelSessionAgent"));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.OperationNameTag)), Is.All.EqualTo("invoke_agent"));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.AgentNameTag)), Is.All.EqualTo("OtelSessionAgent"));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.ConversationIdTag)), Is.All.EqualTo(sessionKey));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.RequestModelTag)), Is.All.EqualTo(model));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.ProviderNameTag)), Is.All.EqualTo("openai"));
            Assert.That(agents.Select(a => a.Status), Is.All.EqualTo(ActivityStatusCode.Unset), "an aborted attempt is not an agent error");

            // Usage per attempt: the killed attempt ended before the orphaned call answered; the retry paid for turn 2 only.
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.InputTokensTag)), Is.EqualTo(new object[] { 10L, 30L }));
            Assert.That(agents.Select(a => a.GetTagItem(DurableAgentsTelemetry.OutputTokensTag)), Is.EqualTo(new object[] { 5L, 5L }));

            foreach (var s in treeOf[first].Concat(treeOf[second]).Where(s => s.DisplayName.StartsWith("run ", StringComparison.Ordinal) || s.DisplayName.StartsWith("chat", StringComparison.Ordinal)
                || s.DisplayName.StartsWith("execute_tool", StringComparison.Ordinal)))
            {
                Assert.That(Ancestors(s, byId), Does.Contain(agents[attempts.IndexOf(AttemptOf(s, byId, attempts))]), s.DisplayName + " is under its attempt's invoke_agent span");
            }
        });

        // The journal per attempt: the killed attempt ran everything; the retry replayed turn 1 and the tool and ran turn 2.
        Assert.Multiple(() =>
        {
            Assert.That(Steps(treeOf[first]), Is.EqualTo(new[] { ("run llm:1", false), ($"run tool:{toolName}:call_1", false), ("run llm:2", false) }));
            Assert.That(Steps(treeOf[second]), Is.EqualTo(new[] { ("run llm:1", true), ($"run tool:{toolName}:call_1", true), ("run llm:2", false) }));
            var replayed = treeOf[second].Where(s => Equals(s.GetTagItem(DurableAgentsTelemetry.ReplayedTag), true)).Select(s => s.SpanId).ToHashSet();
            Assert.That(all.Where(s => replayed.Contains(s.ParentSpanId)), Is.Empty, "no chat or execute_tool span under a replayed step");
            Assert.That(treeOf[first].Count(s => chats.Contains(s)), Is.EqualTo(2));
            Assert.That(treeOf[first].Count(s => tools.Contains(s)), Is.EqualTo(1));
            Assert.That(treeOf[second].Count(s => chats.Contains(s)), Is.EqualTo(1));
            Assert.That(treeOf[second].Count(s => tools.Contains(s)), Is.EqualTo(0));
        });

        // Metrics: tokens equal the provider's billed usage; calls equal the provider's request count; tools ran once.
        var byModel = (DurableAgentsTelemetry.RequestModelTag, (object)model);
        Assert.Multiple(() =>
        {
            Assert.That(HistogramSum(metrics, DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "input")), Is.EqualTo(fake.BilledInputTokens));
            Assert.That(HistogramSum(metrics, DurableAgentsMetrics.TokenUsage, byModel, (DurableAgentsTelemetry.TokenTypeTag, "output")), Is.EqualTo(fake.BilledOutputTokens));
            Assert.That(HistogramCount(metrics, DurableAgentsMetrics.ModelCallDuration, byModel), Is.EqualTo(requests.Count));
            Assert.That(CounterSum(metrics, DurableAgentsMetrics.ModelCalls, byModel), Is.EqualTo(requests.Count));
            Assert.That(CounterSum(metrics, DurableAgentsMetrics.ToolCalls, (DurableAgentsTelemetry.ToolNameTag, toolName)), Is.EqualTo(1));
            Assert.That(CounterSum(metrics, DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "llm")), Is.EqualTo(1));
            Assert.That(CounterSum(metrics, DurableAgentsMetrics.ReplayedSteps, (DurableAgentsTelemetry.StepKindTag, "tool")), Is.EqualTo(1));
            Assert.That(CounterSum(metrics, DurableAgentsMetrics.Steps, (DurableAgentsTelemetry.StepKindTag, "llm")), Is.EqualTo(3), "llm:1 once, llm:2 in both attempts");
            Assert.That(CounterSum(metrics, DurableAgentsMetrics.Steps, (DurableAgentsTelemetry.StepKindTag, "tool")), Is.EqualTo(1));
        });
    }

    /// <summary>A session agent with one tool, as the generator would emit it, with quick retries that never give up.</summary>
    private static ServiceDefinition SessionAgent(IChatClient chat, string toolName, Action toolRan)
    {
        var tool = DurableTool.FromStep(toolName, "Looks the weather up.", """{"type":"object","properties":{"city":{"type":"string"}}}""", false,
            (_, args) =>
            {
                var city = args.GetProperty("city").GetString()!;
                return _ =>
                {
                    toolRan();
                    return Task.FromResult(JsonSerializer.SerializeToElement("sunny in " + city, StringInfo));
                };
            });
        var spec = new DurableAgentSpec
        {
            Name = "OtelSessionAgent",
            Session = true,
            Instructions = "Answer about the weather.",
            Tools = [tool],
            Configure = o => o.ChatClient = chat,
        };
        return new ServiceDefinition
        {
            Name = "OtelSessionAgent",
            Type = ServiceType.VirtualObject,
            JsonTypeInfoResolver = JsonTypeInfoResolver.Combine(TestJsonContext.Default, AgentJson.Resolver),
            Handlers = [Exclusive<string, AgentResponse>("run", (ctx, message) => DurableAgentRunner.RunAsync(ctx, spec, AgentRequest.FromMessage(message)))],
            Options = new ServiceOptions
            {
                RetryPolicyInitialInterval = TimeSpan.FromMilliseconds(100),
                RetryPolicyMaxInterval = TimeSpan.FromMilliseconds(500),
                RetryPolicyMaxAttempts = 10_000,
                RetryPolicyOnMaxAttempts = OnMaxAttempts.Pause,
            },
        };
    }

    private static async Task<Endpoint> StartEndpointAsync(int port, ServiceDefinition service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureRestateKestrel();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, lo => lo.Protocols = HttpProtocols.Http2));
        builder.Services.AddRestate(o => o.Bind(service));
        var app = builder.Build();
        app.MapRestate();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Endpoint(app, new Uri(address).Port);
    }

    /// <summary>The in-process endpoint; <see cref="KillAsync"/> stops it with no grace period, aborting open HTTP/2 streams.</summary>
    private sealed class Endpoint(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port => port;

        public Uri Uri => new($"http://127.0.0.1:{port}/");

        public async Task KillAsync()
        {
            try
            {
                await app.StopAsync(new CancellationToken(canceled: true));
            }
            catch (OperationCanceledException)
            {
            }

            await app.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await app.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await app.DisposeAsync();
        }
    }

    /// <summary>The exporter appends from the threads that end spans while the test reads: one lock for both.</summary>
    private sealed class LockedList<T> : Collection<T>
    {
        protected override void InsertItem(int index, T item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }

        public List<T> Snapshot()
        {
            lock (this)
            {
                return this.ToList();
            }
        }
    }

    private static List<Activity> Attempts(LockedList<Activity> spans, string invocationId)
        => spans.Snapshot().Where(s => s.DisplayName == "invoke OtelSessionAgent/run" && Equals(s.GetTagItem(DurableAgentsTelemetry.InvocationIdTag), invocationId))
            .OrderBy(s => s.StartTimeUtc).ToList();

    private static List<Activity> AgentSpans(LockedList<Activity> spans, string invocationId)
        => spans.Snapshot().Where(s => Equals(s.GetTagItem(DurableAgentsTelemetry.OperationNameTag), DurableAgentsTelemetry.InvokeAgentOperation)
            && Equals(s.GetTagItem(DurableAgentsTelemetry.InvocationIdTag), invocationId)).OrderBy(s => s.StartTimeUtc).ToList();

    private static List<Activity> ChatSpans(LockedList<Activity> spans, string model)
        => spans.Snapshot().Where(s => Equals(s.GetTagItem(DurableAgentsTelemetry.OperationNameTag), DurableAgentsTelemetry.ChatOperation)
            && Equals(s.GetTagItem(DurableAgentsTelemetry.RequestModelTag), model)).ToList();

    private static IEnumerable<Activity> Ancestors(Activity span, Dictionary<ActivitySpanId, Activity> byId)
    {
        var current = span;
        while (current.ParentSpanId != default && byId.TryGetValue(current.ParentSpanId, out var parent))
        {
            yield return parent;
            current = parent;
        }
    }

    private static Activity AttemptOf(Activity span, Dictionary<ActivitySpanId, Activity> byId, List<Activity> attempts)
        => Ancestors(span, byId).FirstOrDefault(attempts.Contains) ?? throw new AssertionException($"span {span.DisplayName} is not under an attempt of the invocation");

    private static (string, bool)[] Steps(List<Activity> tree)
        => tree.Where(s => s.DisplayName.StartsWith("run ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc)
            .Select(s => (s.DisplayName, (bool)s.GetTagItem(DurableAgentsTelemetry.ReplayedTag)!)).ToArray();

    private static IEnumerable<MetricPoint> Points(List<MetricSnapshot> metrics, string name, (string Key, object Value)[] where)
    {
        // Cumulative temporality: the last export of an instrument holds its totals.
        var last = metrics.LastOrDefault(m => m.Name == name);
        if (last is null)
        {
            yield break;
        }

        foreach (var point in last.MetricPoints)
        {
            var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            if (where.All(w => tags.TryGetValue(w.Key, out var v) && Equals(v, w.Value)))
            {
                yield return point;
            }
        }
    }

    private static long CounterSum(List<MetricSnapshot> metrics, string name, params (string Key, object Value)[] where)
        => Points(metrics, name, where).Sum(p => p.GetSumLong());

    private static double HistogramSum(List<MetricSnapshot> metrics, string name, params (string Key, object Value)[] where)
        => Points(metrics, name, where).Sum(p => p.GetHistogramSum());

    private static long HistogramCount(List<MetricSnapshot> metrics, string name, params (string Key, object Value)[] where)
        => Points(metrics, name, where).Sum(p => p.GetHistogramCount());

    private static async Task WaitUntilAsync(Func<bool> condition, string what, LockedList<Activity> spans)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}; spans ended so far: {string.Join(", ", spans.Snapshot().Select(s => $"{s.DisplayName} (parent {s.ParentId}, remote {s.HasRemoteParent})"))}");
            }

            await Task.Delay(50);
        }
    }
}
