using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Suspension: exactly the completions and signals still awaited, only once no more input can arrive.</summary>
public sealed class SuspensionTests
{
    private static readonly ServiceDefinition Svc = Service("Suspend",
        Handler<string, int>("anyOfSleepAndAwakeable", async (ctx, _) =>
        {
            var sleep = ctx.SleepAsync(TimeSpan.FromMinutes(1));
            var awakeable = ctx.Awakeable<string>();
            return await ctx.WhenAny(sleep, awakeable.Value);
        }),
        Handler<string, string>("allOfThree", async (ctx, _) =>
        {
            await ctx.WhenAll(ctx.SleepAsync(TimeSpan.FromSeconds(1)), ctx.SleepAsync(TimeSpan.FromSeconds(2)), ctx.SleepAsync(TimeSpan.FromSeconds(3)));
            return "all";
        }),
        Handler<int, int>("callAndAwakeable", async (ctx, n) =>
        {
            var call = ctx.CallAsync<int, int>(CallTarget.ForService("Math", "slow"), n);
            var awakeable = ctx.Awakeable<int>();
            return await ctx.WhenAny(call, awakeable.Value);
        }),
        Handler<string, string>("slowStep", async (ctx, _) => await ctx.RunAsync("slow", async _ =>
        {
            await Task.Delay(500);
            return "late";
        })),
        Handler<string, string>("nap", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMinutes(1));
            return "awake";
        }),
        Handler<string, string>("resolvedOnly", async (ctx, _) =>
        {
            var value = await DurableFuture<string>.FromResult("ready");
            return value;
        }));

    [Test]
    public async Task A_race_of_a_timer_and_an_awakeable_waits_on_the_completion_the_signal_and_cancel()
    {
        var r = await Replay.RunAsync(Svc, "anyOfSleepAndAwakeable", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 17, 1 }));
        Assert.That(r.Suspension.WaitingNamedSignals, Is.Empty);
    }

    [Test]
    public async Task Waiting_on_all_of_three_timers_lists_only_those_not_yet_completed()
    {
        var r = await Replay.RunAsync(Svc, "allOfThree", new JournalBuilder().Input("\"x\"").Sleep(1).Sleep(2).Sleep(3).SleepCompletion(2));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions.Order(), Is.EqualTo(new uint[] { 1, 3 }));
    }

    [Test]
    public async Task A_call_raced_with_an_awakeable_waits_on_the_call_result_not_its_invocation_id()
    {
        var r = await Replay.RunAsync(Svc, "callAndAwakeable", new JournalBuilder().Input("1"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.CallCommand, MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 17, 1 }));
    }

    [Test]
    public async Task A_handler_awaiting_only_resolved_futures_never_suspends()
    {
        var r = await Replay.RunAsync(Svc, "resolvedOnly", new JournalBuilder().Input("\"x\""));
        Assert.That(r.OutputJson, Is.EqualTo("\"ready\""));
    }

    [Test]
    public async Task Bidi_no_suspension_while_the_input_is_open_then_suspension_when_it_closes()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(400)), Is.True, "no suspension while Restate may still send the completion");
        var (outcome, unread) = await d.FinishAsync();
        Assert.That(outcome, Is.EqualTo(InvocationOutcome.Suspended));
        var suspension = unread.Single().As<SuspensionMessage>();
        Assert.That(suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That(suspension.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task Bidi_results_that_arrived_before_the_input_closed_are_not_waited_for()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "allOfThree", new JournalBuilder().Input("\"x\""));
        for (var i = 0; i < 3; i++)
        {
            await d.NextAsync(MessageType.SleepCommand);
        }

        await d.SendAsync(new JournalBuilder().SleepCompletion(3).SleepCompletion(1));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(200)), Is.True);
        var (_, unread) = await d.FinishAsync();
        Assert.That(unread.Single().As<SuspensionMessage>().WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
    }

    [Test]
    public async Task Bidi_a_step_still_executing_when_the_input_closes_is_proposed_before_the_suspension()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "slowStep", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.RunCommand);
        await d.CloseInputAsync();
        Assert.That((await d.NextAsync(MessageType.ProposeRunCompletion)).As<ProposeRunCompletionMessage>().Value.ToStringUtf8(), Is.EqualTo("\"late\""));
        Assert.That((await d.NextAsync(MessageType.Suspension)).As<SuspensionMessage>().WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Suspended));
    }

    [Test]
    public async Task Bidi_input_closed_with_nothing_awaited_does_not_suspend_a_running_handler()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "slowStep", new JournalBuilder().Input("\"x\"").Run("slow", 1).RunCompletion(1, "\"journaled\""));
        var result = await d.ResultAsync();
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.OutputJson, Is.EqualTo("\"journaled\""));
    }
}
