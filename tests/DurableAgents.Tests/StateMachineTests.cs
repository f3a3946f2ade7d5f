using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests;

/// <summary>Messages in, messages out: the state machine without a server.</summary>
public sealed class StateMachineTests
{
    private static int _sideEffects;

    private static readonly Definitions.ServiceDefinition Steps = Service("Steps",
        Handler<string, string>("two", async (ctx, input) =>
        {
            var a = await ctx.RunAsync("a", _ =>
            {
                Interlocked.Increment(ref _sideEffects);
                return Task.FromResult(input + "-a");
            });
            var b = await ctx.RunAsync("b", _ =>
            {
                Interlocked.Increment(ref _sideEffects);
                return Task.FromResult(a + "-b");
            });
            return b;
        }),
        Handler<string, string>("reordered", async (ctx, input) =>
        {
            // "b" now runs before "a": a journal recorded by the previous build no longer fits.
            var b = await ctx.RunAsync("b", _ => Task.FromResult("b"));
            var a = await ctx.RunAsync("a", _ => Task.FromResult("a"));
            return a + b;
        }),
        Handler<string, int>("parallel", async (ctx, _) =>
        {
            var s1 = ctx.SleepAsync(TimeSpan.FromSeconds(1));
            var s2 = ctx.SleepAsync(TimeSpan.FromSeconds(2));
            var first = await ctx.WhenAny(s1, s2);
            await ctx.WhenAll(s1, s2);
            return first;
        }),
        Handler<string, string>("throws", (_, _) => throw new InvalidOperationException("boom")),
        Handler<string, string>("random", (ctx, _) => Task.FromResult($"{ctx.Random.NextUInt64()}:{ctx.NewGuid()}")));

    [SetUp]
    public void Reset() => _sideEffects = 0;

    [Test]
    public async Task A_fully_recorded_journal_replays_without_running_steps()
    {
        var journal = new JournalBuilder().Input("\"x\"")
            .Run("a", 1).RunCompletion(1, "\"x-a\"")
            .Run("b", 2).RunCompletion(2, "\"x-a-b\"")
            .Build();
        var result = await JournalHarness.RunAsync(Steps, "two", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended));
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain(Convert.ToBase64String("\"x-a-b\""u8)));
        Assert.That(_sideEffects, Is.Zero, "no recorded step may run again");
    }

    [Test]
    public async Task A_step_without_a_recorded_result_runs_once_and_suspends_in_request_response_mode()
    {
        var journal = new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"x-a\"").Build();
        var result = await JournalHarness.RunAsync(Steps, "two", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Suspended));
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(result.Messages[2].Text, Does.Contain("\"waitingCompletions\": [ 2 ]").And.Contains("\"waitingSignals\": [ 1 ]"));
        Assert.That(_sideEffects, Is.EqualTo(1));
    }

    [Test]
    public async Task A_reordered_step_is_a_journal_mismatch_naming_the_index_and_both_commands()
    {
        var journal = new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"a\"").Build();
        var result = await JournalHarness.RunAsync(Steps, "reordered", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Failed));
        Assert.That(result.ErrorCode, Is.EqualTo(570));
        Assert.That(result.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(result.RelatedCommandType, Is.EqualTo(MessageType.RunCommand));
        Assert.That(result.ErrorMessage, Does.Contain("command index 1").And.Contains("name=\"a\"").And.Contains("name=\"b\""));
    }

    [Test]
    public async Task Completions_out_of_order_resolve_the_right_futures()
    {
        // Sleep 2 finished before sleep 1: WhenAny must pick the second (index 1), deterministically.
        var journal = new JournalBuilder().Input("\"x\"")
            .Sleep(1).Sleep(2)
            .SleepCompletion(2).SleepCompletion(1)
            .Build();
        var result = await JournalHarness.RunAsync(Steps, "parallel", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), string.Join("\n", result.Messages));
        Assert.That(result.Messages[0].Text, Does.Contain(Convert.ToBase64String("1"u8)));
    }

    [Test]
    public async Task Waiting_on_two_timers_suspends_on_both()
    {
        var journal = new JournalBuilder().Input("\"x\"").Build();
        var result = await JournalHarness.RunAsync(Steps, "parallel", journal);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.SleepCommand, MessageType.Suspension }));
        Assert.That(result.Messages[2].Text, Does.Contain("\"waitingCompletions\": [ 1, 2 ]"));
    }

    [Test]
    public async Task A_retryable_exception_becomes_an_error_message()
    {
        var result = await JournalHarness.RunAsync(Steps, "throws", new JournalBuilder().Input("\"x\"").Build());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Failed));
        Assert.That(result.ErrorCode, Is.EqualTo(500));
        Assert.That(result.ErrorMessage, Does.Contain("boom"));
    }

    [Test]
    public async Task Garbage_after_the_start_is_a_protocol_violation()
    {
        var journal = new JournalBuilder().Input("\"x\"").Build([0x12, 0x34, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xFF]);
        var result = await JournalHarness.RunAsync(Steps, "two", journal);
        Assert.That(result.ErrorCode, Is.EqualTo(571));
    }

    [Test]
    public async Task A_truncated_journal_is_a_protocol_violation()
    {
        var full = new JournalBuilder().Input("\"x\"").Run("a", 1).Build();
        var result = await JournalHarness.RunAsync(Steps, "two", full.AsMemory(0, full.Length - 3));
        Assert.That(result.ErrorCode, Is.EqualTo(571));
        Assert.That(_sideEffects, Is.Zero);
    }

    [Test]
    public async Task A_command_after_the_known_entries_is_a_protocol_violation()
    {
        var journal = new JournalBuilder().Input("\"x\"").Build();
        var extra = new JournalBuilder().Input("\"y\"").Build();
        // Skip the second body's StartMessage: what follows is an InputCommand outside the known entries.
        var startLength = 8 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(extra.AsSpan(4));
        var result = await JournalHarness.RunAsync(Steps, "two", journal.Concat(extra[startLength..]).ToArray());
        Assert.That(result.ErrorCode, Is.EqualTo(571));
    }

    [Test]
    public async Task Random_values_derive_from_the_seed_and_repeat_on_replay()
    {
        var first = await JournalHarness.RunAsync(Steps, "random", new JournalBuilder(randomSeed: 7).Input("\"x\"").Build());
        var again = await JournalHarness.RunAsync(Steps, "random", new JournalBuilder(randomSeed: 7).Input("\"x\"").Build());
        var other = await JournalHarness.RunAsync(Steps, "random", new JournalBuilder(randomSeed: 8).Input("\"x\"").Build());
        Assert.That(first.Messages[0].Text, Is.EqualTo(again.Messages[0].Text));
        Assert.That(first.Messages[0].Text, Is.Not.EqualTo(other.Messages[0].Text));
    }

    [Test]
    public async Task Cancellation_fails_the_pending_await_with_409()
    {
        var journal = new JournalBuilder().Input("\"x\"").Sleep(1).Sleep(2).Cancel().Build();
        var result = await JournalHarness.RunAsync(Steps, "parallel", journal);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain("409").And.Contains("Cancelled"));
    }

    [Test]
    public async Task Replay_is_linear_in_journal_length()
    {
        // 2,000 recorded steps replay without running any of them.
        var many = Service("Many", Handler<int, int>("loop", async (ctx, n) =>
        {
            var sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += await ctx.RunAsync($"s{i}", _ =>
                {
                    Interlocked.Increment(ref _sideEffects);
                    return Task.FromResult(1);
                });
            }

            return sum;
        }));
        var builder = new JournalBuilder().Input("2000");
        for (uint i = 1; i <= 2000; i++)
        {
            builder.Run($"s{i - 1}", i).RunCompletion(i, "1");
        }

        var result = await JournalHarness.RunAsync(many, "loop", builder.Build());
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain(Convert.ToBase64String("2000"u8)));
        Assert.That(_sideEffects, Is.Zero);
    }
}
