using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Retryable step failures (Error with the run's command fields and next_retry_delay), retry info from Start, proposals.</summary>
public sealed class RetryTests
{
    private static int _executions;

    private static readonly RetryPolicy Backoff = RetryPolicy.Exponential(TimeSpan.FromMilliseconds(200), factor: 2, maxInterval: TimeSpan.FromSeconds(30));

    private static Task<string> Flaky(CancellationToken _)
    {
        Interlocked.Increment(ref _executions);
        throw new InvalidOperationException("transient boom");
    }

    private static readonly ServiceDefinition Svc = Service("Retry",
        Handler<string, string>("noPolicy", async (ctx, _) => await ctx.RunAsync("flaky", Flaky)),
        Handler<string, string>("backoff", async (ctx, _) => await ctx.RunAsync("flaky", Flaky, new RunOptions { RetryPolicy = Backoff })),
        Handler<string, string>("threeAttempts", async (ctx, _) => await ctx.RunAsync("flaky", Flaky,
            new RunOptions { RetryPolicy = Backoff with { MaxAttempts = 3 } })),
        Handler<string, string>("oneMinute", async (ctx, _) => await ctx.RunAsync("flaky", Flaky,
            new RunOptions { RetryPolicy = Backoff with { MaxDuration = TimeSpan.FromMinutes(1) } })),
        Handler<string, string>("never", async (ctx, _) => await ctx.RunAsync("flaky", Flaky, new RunOptions { RetryPolicy = RetryPolicy.None })),
        Handler<string, string>("retryAfter", async (ctx, _) => await ctx.RunAsync<string>("model", _ => throw new RetryAfterException(TimeSpan.FromSeconds(3), "429 from provider"),
            new RunOptions { RetryPolicy = Backoff })),
        Handler<string, string>("third", async (ctx, _) =>
        {
            await ctx.RunAsync("a", _ => Task.FromResult(1));
            await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            return await ctx.RunAsync("flaky", Flaky);
        }),
        Handler<string, string>("handlerThrows", (_, _) => throw new InvalidOperationException("bug in handler")),
        Handler<string, string>("steps", async (ctx, input) =>
        {
            var a = await ctx.RunAsync("a", _ =>
            {
                Interlocked.Increment(ref _executions);
                return Task.FromResult(input + "-a");
            });
            return await ctx.RunAsync("b", _ =>
            {
                Interlocked.Increment(ref _executions);
                return Task.FromResult(a + "-b");
            });
        }));

    [SetUp]
    public void Reset() => _executions = 0;

    [Test]
    public async Task A_retryable_step_failure_fails_the_attempt_with_the_runs_command_index_name_and_type()
    {
        var r = await Replay.RunAsync(Svc, "noPolicy", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.Error }));
        var error = r.Error;
        Assert.That(error.Code, Is.EqualTo(500));
        Assert.That(error.Message, Does.Contain("transient boom"));
        Assert.That(error.Stacktrace, Does.Contain(nameof(InvalidOperationException)));
        Assert.That(error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(error.RelatedCommandName, Is.EqualTo("flaky"));
        Assert.That(error.RelatedCommandType, Is.EqualTo(1041));
        Assert.That(error.HasNextRetryDelay, Is.False, "no policy: Restate's retry policy decides");
        Assert.That(_executions, Is.EqualTo(1));
    }

    [Test]
    public async Task A_policy_sets_next_retry_delay_to_its_first_interval()
    {
        var r = await Replay.RunAsync(Svc, "backoff", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Error.HasNextRetryDelay, Is.True);
        Assert.That(r.Error.NextRetryDelay, Is.EqualTo(200));
    }

    [Test]
    public async Task The_retry_count_from_start_drives_the_backoff_of_a_replayed_step()
    {
        var r = await Replay.RunAsync(Svc, "backoff", new JournalBuilder().RetryInfo(2, TimeSpan.FromSeconds(1)).Input("\"x\"").Run("flaky", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }), "the replayed RunCommand is not sent again");
        Assert.That(r.Error.NextRetryDelay, Is.EqualTo(800), "third attempt: 200 ms * 2^2");
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
    }

    [Test]
    public async Task The_retry_count_from_start_does_not_apply_to_a_step_that_is_new_in_this_attempt()
    {
        var r = await Replay.RunAsync(Svc, "backoff", new JournalBuilder().RetryInfo(5, TimeSpan.FromSeconds(1)).Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.Error }));
        Assert.That(r.Error.NextRetryDelay, Is.EqualTo(200));
    }

    [Test]
    public async Task Exhausted_attempts_turn_the_failure_into_a_journaled_terminal_proposal()
    {
        var r = await Replay.RunAsync(Svc, "threeAttempts", new JournalBuilder().RetryInfo(2, TimeSpan.FromSeconds(1)).Input("\"x\"").Run("flaky", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.ProposeRunCompletion, MessageType.Suspension }));
        var proposal = r.At<ProposeRunCompletionMessage>(0);
        Assert.That(proposal.ResultCompletionId, Is.EqualTo(1));
        Assert.That(proposal.ResultCase, Is.EqualTo(ProposeRunCompletionMessage.ResultOneofCase.Failure));
        Assert.That(proposal.Failure.Code, Is.EqualTo(500));
        Assert.That(proposal.Failure.Message, Does.Contain("after 3 attempt(s)").And.Contain("transient boom"));
    }

    [Test]
    public async Task Attempts_left_keep_the_failure_retryable()
    {
        var r = await Replay.RunAsync(Svc, "threeAttempts", new JournalBuilder().RetryInfo(1, TimeSpan.FromSeconds(1)).Input("\"x\"").Run("flaky", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.NextRetryDelay, Is.EqualTo(400));
    }

    [Test]
    public async Task The_duration_from_start_exhausts_a_max_duration()
    {
        var r = await Replay.RunAsync(Svc, "oneMinute", new JournalBuilder().RetryInfo(4, TimeSpan.FromMinutes(10)).Input("\"x\"").Run("flaky", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(r.At<ProposeRunCompletionMessage>(0).Failure.Message, Does.Contain("transient boom"));
    }

    [Test]
    public async Task The_duration_from_start_is_ignored_when_the_retry_count_is_zero()
    {
        var r = await Replay.RunAsync(Svc, "oneMinute", new JournalBuilder().RetryInfo(0, TimeSpan.FromMinutes(10)).Input("\"x\"").Run("flaky", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.NextRetryDelay, Is.EqualTo(200));
    }

    [Test]
    public async Task RetryPolicy_None_makes_the_first_failure_terminal()
    {
        var r = await Replay.RunAsync(Svc, "never", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(r.At<ProposeRunCompletionMessage>(1).Failure.Message, Does.Contain("after 1 attempt(s)"));
        Assert.That(_executions, Is.EqualTo(1));
    }

    [Test]
    public async Task A_retry_after_exception_sets_next_retry_delay_itself()
    {
        var r = await Replay.RunAsync(Svc, "retryAfter", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Error.RelatedCommandName, Is.EqualTo("model"));
        Assert.That(r.Error.NextRetryDelay, Is.EqualTo(3000));
    }

    [Test]
    public async Task The_related_command_index_counts_every_command_before_the_step()
    {
        var r = await Replay.RunAsync(Svc, "third", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "1").Sleep(2).SleepCompletion(2));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.Error }));
        Assert.That(r.At<RunCommandMessage>(0).ResultCompletionId, Is.EqualTo(3));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(3));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.RunCommand));
    }

    [Test]
    public async Task An_exception_outside_a_step_is_a_retryable_error_without_a_related_command()
    {
        var r = await Replay.RunAsync(Svc, "handlerThrows", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Code, Is.EqualTo(500));
        Assert.That(r.Error.Message, Does.Contain("bug in handler"));
        Assert.That(r.Error.HasRelatedCommandIndex, Is.False);
        Assert.That(r.Error.HasRelatedCommandType, Is.False);
        Assert.That(r.Error.Stacktrace, Is.Not.Empty);
    }

    [Test]
    public async Task A_journaled_proposal_is_replayed_by_the_next_attempt_without_executing_again()
    {
        var first = await JournalHarness.RunAsync(Svc, "steps", new JournalBuilder().Input("\"x\"").Build());
        Assert.That(first.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        var second = await JournalHarness.RunAsync(Svc, "steps", new JournalBuilder().Input("\"x\"").Continue(first).Build());
        Assert.That(second.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        var third = await Replay.RunAsync(Svc, "steps", new JournalBuilder().Input("\"x\"").Continue(first).Continue(second));
        Assert.That(third.OutputJson, Is.EqualTo("\"x-a-b\""));
        Assert.That(_executions, Is.EqualTo(2), "a once in attempt 1, b once in attempt 2, nothing in attempt 3");
    }

    [Test]
    public async Task A_journaled_terminal_proposal_replays_as_the_failure()
    {
        var r = await Replay.RunAsync(Svc, "threeAttempts", new JournalBuilder().Input("\"x\"").Run("flaky", 1).RunFailure(1, 500, "Run 'flaky' failed after 3 attempt(s)"));
        Assert.That(r.OutputFailure.Message, Is.EqualTo("Run 'flaky' failed after 3 attempt(s)"));
        Assert.That(_executions, Is.Zero);
    }
}
