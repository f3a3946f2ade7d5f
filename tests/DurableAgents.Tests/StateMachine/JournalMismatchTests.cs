using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Non-determinism on replay: error 570 with the command index, the code's command type and name.</summary>
public sealed class JournalMismatchTests
{
    private static int _executions;

    private static Func<CancellationToken, Task<string>> Step(string value) => _ =>
    {
        Interlocked.Increment(ref _executions);
        return Task.FromResult(value);
    };

    private static readonly ServiceDefinition Svc = Service("Mismatch",
        Handler<string, string>("renamed", async (ctx, _) => await ctx.RunAsync("charge-card", Step("a"))),
        Handler<string, string>("ba", async (ctx, _) =>
        {
            var b = await ctx.RunAsync("b", Step("b"));
            return b + await ctx.RunAsync("a", Step("a"));
        }),
        Handler<string, string>("sleepFirst", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            return await ctx.RunAsync("a", Step("a"));
        }),
        Handler<int, int>("triple", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "triple"), n)),
        Handler<int, int>("objectCall", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForObject("Counter", "carol", "add"), n)),
        Handler<int, string>("send", (ctx, n) =>
        {
            ctx.Send(CallTarget.ForService("Mailer", "welcome"), n);
            return Task.FromResult("sent");
        }),
        Handler<string, string>("namedSleep", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromSeconds(1), "backoff-2");
            return "awake";
        }),
        Handler<string, string>("ab", async (ctx, _) =>
        {
            var a = await ctx.RunAsync("a", Step("a"));
            return a + await ctx.RunAsync("c", Step("c"));
        }),
        Handler<string, string>("onlyA", async (ctx, _) => await ctx.RunAsync("a", Step("a"))),
        Handler<string, string>("returnsB", (_, _) => Task.FromResult("b")));

    [SetUp]
    public void Reset() => _executions = 0;

    [Test]
    public async Task A_renamed_step_is_a_mismatch_naming_index_type_and_both_names()
    {
        var r = await Replay.RunAsync(Svc, "renamed", new JournalBuilder().Input("\"x\"").Run("charge", 1).RunCompletion(1, "\"a\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Outcome, Is.EqualTo(InvocationOutcome.Failed));
        var e = r.Error;
        Assert.That(e.Code, Is.EqualTo(570));
        Assert.That(e.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(e.RelatedCommandType, Is.EqualTo(1041));
        Assert.That(e.RelatedCommandName, Is.EqualTo("charge-card"));
        Assert.That(e.Message, Does.Contain("name=\"charge\"").And.Contain("name=\"charge-card\""));
        Assert.That(_executions, Is.Zero);
    }

    [Test]
    public async Task Reordered_steps_are_a_mismatch_at_the_first_differing_index()
    {
        var r = await Replay.RunAsync(Svc, "ba", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"a\"").Run("b", 2).RunCompletion(2, "\"b\""));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandName, Is.EqualTo("b"));
    }

    [Test]
    public async Task A_changed_command_kind_reports_the_type_the_code_performs()
    {
        var r = await Replay.RunAsync(Svc, "sleepFirst", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"a\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo(1036), "SleepCommand, as restate-server 1.7.12 recorded from the TS SDK");
        Assert.That(r.Error.Message, Does.Contain("RunCommand").And.Contain("SleepCommand"));
    }

    [Test]
    public async Task A_different_call_target_is_a_mismatch_naming_both_targets()
    {
        var r = await Replay.RunAsync(Svc, "triple", new JournalBuilder().Input("2").Call("Math", "double", "2", 1, 2).CallCompletion(2, "4"));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.CallCommand));
        Assert.That(r.Error.Message, Does.Contain("target=Math/double").And.Contain("target=Math/triple"));
    }

    [Test]
    public async Task A_different_call_parameter_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "triple", new JournalBuilder().Input("3").Call("Math", "triple", "2", 1, 2).CallCompletion(2, "6"));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.CallCommand));
    }

    [Test]
    public async Task A_different_object_key_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "objectCall", new JournalBuilder().Input("1").Call("Counter", "add", "1", 1, 2, key: "dave").CallCompletion(2, "1"));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.Message, Does.Contain("target=Counter/dave/add").And.Contain("target=Counter/carol/add"));
    }

    [Test]
    public async Task A_different_send_target_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "send", new JournalBuilder().Input("1").OneWayCall("Mailer", "goodbye", "1", 1));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.OneWayCallCommand));
        Assert.That(r.Error.Message, Does.Contain("target=Mailer/goodbye").And.Contain("target=Mailer/welcome"));
    }

    [Test]
    public async Task A_renamed_timer_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "namedSleep", new JournalBuilder().Input("\"x\"").Sleep(1, "backoff-1").SleepCompletion(1));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo(1036));
        Assert.That(r.Error.RelatedCommandName, Is.EqualTo("backoff-2"));
    }

    [Test]
    public async Task A_mismatch_at_the_second_step_reports_index_2_after_replaying_the_first()
    {
        var r = await Replay.RunAsync(Svc, "ab", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"a\"").Run("b", 2).RunCompletion(2, "\"b\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(2));
        Assert.That(r.Error.RelatedCommandName, Is.EqualTo("c"));
        Assert.That(_executions, Is.Zero);
    }

    [Test]
    public async Task An_added_await_during_replay_is_a_mismatch_naming_the_next_recorded_command()
    {
        // The journal never completed the timer, yet recorded a later step: the code now awaits the timer first.
        var r = await Replay.RunAsync(Svc, "sleepFirst", new JournalBuilder().Input("\"x\"").Sleep(1).Run("a", 2).RunCompletion(2, "\"a\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(2));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.RunCommand));
        Assert.That(r.Error.Message, Does.Contain("await was added"));
    }

    [Test]
    public async Task Returning_where_the_journal_has_more_commands_is_a_mismatch_on_the_output()
    {
        var r = await Replay.RunAsync(Svc, "onlyA", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"a\"").Run("b", 2));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(2));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.OutputCommand));
    }

    [Test]
    public async Task A_different_output_than_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "returnsB", new JournalBuilder().Input("\"x\"").Output("\"a\""));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.OutputCommand));
    }

    [Test]
    public async Task The_same_output_as_journaled_replays_to_end()
    {
        var r = await Replay.RunAsync(Svc, "returnsB", new JournalBuilder().Input("\"x\"").Output("\"b\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.End }));
        Assert.That(r.Outcome, Is.EqualTo(InvocationOutcome.Ended));
    }
}
