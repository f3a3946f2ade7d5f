using System.Collections.Concurrent;
using System.Diagnostics;
using DurableAgents.Internal;
using DurableAgents.Observability;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using Microsoft.Extensions.Logging;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Observability;

/// <summary>Replay-aware logging and the per-attempt / per-step spans, through the journal harness.</summary>
[NonParallelizable] // the ActivityListener is process-wide
public sealed class ObservabilityTests
{
    private static readonly CapturingLoggerProvider Injected = new();

    private static readonly Definitions.ServiceDefinition Traced = Service("Traced",
        Handler<string, string>("steps", async (ctx, input) =>
        {
            ctx.Logger.LogInformation("before a");
            var a = await ctx.RunAsync("a", _ => Task.FromResult(input + "-a"));
            ctx.Logger.LogInformation("after a");
            var b = await ctx.RunAsync("b", _ => Task.FromResult(a + "-b"));
            ctx.Logger.LogInformation("after b");
            var c = await ctx.RunAsync("c", _ => Task.FromResult(b + "-c"));
            ctx.Logger.LogWarning("after c: {Value}", c);
            return c;
        }),
        Handler<string, string>("flaky", async (ctx, _) =>
            await ctx.RunAsync<string>("flaky", _ => throw new InvalidOperationException("transient"))),
        Handler<string, string>("terminal", async (ctx, _) =>
            await ctx.RunAsync<string>("refused", _ => throw new TerminalException("no", 422))),
        Handler<string, string>("injected", async (ctx, _) =>
        {
            var logger = Injected.CreateLogger("App").ReplayAware(ctx);
            logger.LogInformation("before a");
            var a = await ctx.RunAsync("a", _ => Task.FromResult("a"));
            logger.LogInformation("after a");
            return a;
        }));

    private sealed record Entry(LogLevel Level, string Category, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory, IServiceProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

        public void AddProvider(ILoggerProvider provider) { }

        public object? GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? this : null;

        public void Dispose() { }

        private sealed class Capturing(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.Entries.Enqueue(new Entry(logLevel, category, formatter(state, exception)));
        }
    }

    private ActivityListener _listener = null!;
    private ConcurrentQueue<Activity> _spans = null!;

    [SetUp]
    public void Listen()
    {
        _spans = new ConcurrentQueue<Activity>();
        var spans = _spans;
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DurableAgentsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [TearDown]
    public void StopListening() => _listener.Dispose();

    private List<Activity> SpansOf(string invocationId)
        => _spans.Where(a => (string?)a.GetTagItem(DurableAgentsTelemetry.InvocationIdTag) == invocationId).ToList();

    private static JournalBuilder Journal(byte seed) => new(invocationId: Enumerable.Repeat(seed, 24).ToArray());

    private static string IdOf(byte seed) => "inv_test" + Convert.ToHexString(Enumerable.Repeat(seed, 24).ToArray())[..16].ToLowerInvariant();

    [Test]
    public async Task A_first_attempt_logs_every_line_and_traces_every_step()
    {
        var logs = new CapturingLoggerProvider();
        var result = await JournalHarness.RunAsync(Traced, "steps", Journal(1).Input("\"x\"").Build(), logs);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Suspended), "request/response: suspends after proposing a");
        Assert.That(logs.Entries.Select(e => e.Message), Is.EqualTo(new[] { "before a" }));
        Assert.That(logs.Entries.Single().Category, Is.EqualTo("DurableAgents.Traced"));

        var spans = SpansOf(IdOf(1));
        var invocation = spans.Single(s => s.OperationName == "invoke Traced/steps");
        var step = spans.Single(s => s.OperationName == "run a");
        Assert.Multiple(() =>
        {
            Assert.That(spans, Has.Count.EqualTo(2));
            Assert.That(step.ParentSpanId, Is.EqualTo(invocation.SpanId), "the step span is a child of the attempt span");
            Assert.That(step.GetTagItem(DurableAgentsTelemetry.StepNameTag), Is.EqualTo("a"));
            Assert.That(step.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("value"));
            Assert.That(step.GetTagItem(DurableAgentsTelemetry.ReplayedTag), Is.EqualTo(false), "the closure executed");
            Assert.That(invocation.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("suspended"));
            Assert.That(invocation.GetTagItem(DurableAgentsTelemetry.ServiceTag), Is.EqualTo("Traced"));
            Assert.That(invocation.GetTagItem(DurableAgentsTelemetry.KnownEntriesTag), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_replay_drops_log_lines_and_marks_the_spans_of_journaled_steps_replayed()
    {
        var logs = new CapturingLoggerProvider();
        var journal = Journal(2).Input("\"x\"")
            .Run("a", 1).RunCompletion(1, "\"x-a\"")
            .Run("b", 2).RunCompletion(2, "\"x-a-b\"")
            .Build();
        var result = await JournalHarness.RunAsync(Traced, "steps", journal, logs);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Suspended));
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));

        // "before a" and "after a" were logged by earlier attempts; "after b" is the first line past the replayed journal.
        Assert.That(logs.Entries.Select(e => e.Message), Is.EqualTo(new[] { "after b" }));

        var spans = SpansOf(IdOf(2));
        var invocation = spans.Single(s => s.OperationName == "invoke Traced/steps");
        var steps = spans.Where(s => s.OperationName.StartsWith("run ", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(spans, Has.Count.EqualTo(4), "the attempt and one span per journal step");
            Assert.That(steps.Select(s => (s.OperationName, s.GetTagItem(DurableAgentsTelemetry.ReplayedTag))),
                Is.EqualTo(new[] { ("run a", (object?)true), ("run b", true), ("run c", false) }), "a and b were replayed, c ran");
            Assert.That(steps.Select(s => s.ParentSpanId), Is.All.EqualTo(invocation.SpanId));
            Assert.That(steps.Select(s => s.GetTagItem(DurableAgentsTelemetry.StepNameTag)), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(steps.Take(2).Select(s => s.GetTagItem(DurableAgentsTelemetry.OutcomeTag)), Is.All.Null, "a replayed step reports no outcome of its own");
            Assert.That(invocation.Events, Is.Empty);
        });
    }

    [Test]
    public async Task A_fully_replayed_attempt_logs_only_after_the_journal_and_traces_only_replayed_steps()
    {
        var logs = new CapturingLoggerProvider();
        var journal = Journal(3).Input("\"x\"")
            .Run("a", 1).RunCompletion(1, "\"x-a\"")
            .Run("b", 2).RunCompletion(2, "\"x-a-b\"")
            .Run("c", 3).RunCompletion(3, "\"x-a-b-c\"")
            .Build();
        var result = await JournalHarness.RunAsync(Traced, "steps", journal, logs);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended));
        Assert.That(logs.Entries.Select(e => (e.Level, e.Message)), Is.EqualTo(new[] { (LogLevel.Warning, "after c: x-a-b-c") }));
        var spans = SpansOf(IdOf(3));
        var invocation = spans.Single(s => s.OperationName == "invoke Traced/steps");
        Assert.That(spans.Select(s => s.OperationName), Is.EqualTo(new[] { "run a", "run b", "run c", "invoke Traced/steps" }));
        Assert.That(spans.Where(s => s != invocation).Select(s => s.GetTagItem(DurableAgentsTelemetry.ReplayedTag)), Is.All.EqualTo(true));
        Assert.That(invocation.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("ended"));
        Assert.That(invocation.GetTagItem(DurableAgentsTelemetry.KnownEntriesTag), Is.EqualTo(7));
    }

    [Test]
    public async Task Failed_steps_and_attempts_carry_an_error_status()
    {
        await JournalHarness.RunAsync(Traced, "flaky", Journal(4).Input("\"x\"").Build());
        var flaky = SpansOf(IdOf(4));
        var step = flaky.Single(s => s.OperationName == "run flaky");
        var attempt = flaky.Single(s => s.OperationName == "invoke Traced/flaky");
        Assert.Multiple(() =>
        {
            Assert.That(step.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(step.StatusDescription, Does.Contain("transient"));
            Assert.That(step.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("retryable_failure"));
            Assert.That(attempt.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(attempt.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("failed"));
        });

        await JournalHarness.RunAsync(Traced, "terminal", Journal(5).Input("\"x\"").Build());
        var refused = SpansOf(IdOf(5)).Single(s => s.OperationName == "run refused");
        Assert.That(refused.GetTagItem(DurableAgentsTelemetry.OutcomeTag), Is.EqualTo("terminal_failure"));
        Assert.That(refused.StatusDescription, Does.Contain("422"));
    }

    [Test]
    public async Task An_injected_logger_can_be_made_replay_aware()
    {
        var journal = Journal(6).Input("\"x\"").Run("a", 1).RunCompletion(1, "\"x-a\"").Build();
        var result = await JournalHarness.RunAsync(Traced, "injected", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), result.ErrorMessage);
        Assert.That(Injected.Entries.Select(e => (e.Category, e.Message)), Is.EqualTo(new[] { ("App", "after a") }));
    }
}
