using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>The built-in CANCEL signal (id 1): where it is observed, propagation to child calls, awaiting after it.</summary>
public sealed class CancellationTests
{
    private static volatile bool _closureSawCancel;

    private static readonly ServiceDefinition Svc = Service("Cancel",
        Handler<string, string>("nap", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMinutes(1));
            return "awake";
        }),
        Handler<string, string>("twoNaps", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMinutes(1));
            await ctx.SleepAsync(TimeSpan.FromMinutes(2));
            return "awake";
        }),
        Handler<int, int>("call", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "slow"), n)),
        Handler<int, int>("sendThenCall", async (ctx, n) =>
        {
            ctx.Send(CallTarget.ForService("Mailer", "remind"), n);
            return await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "slow"), n);
        }),
        Handler<int, string>("callThenNap", async (ctx, n) =>
        {
            await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "fast"), n);
            await ctx.SleepAsync(TimeSpan.FromMinutes(1));
            return "awake";
        }),
        Handler<string, string>("compensate", async (ctx, _) =>
        {
            try
            {
                await ctx.SleepAsync(TimeSpan.FromMinutes(1));
                return "awake";
            }
            catch (CancelledException)
            {
                var token = ctx.CancellationToken.IsCancellationRequested;
                await ctx.RunAsync("refund", _ => Task.FromResult("refunded"));
                return $"compensated token={token}";
            }
        }),
        Handler<string, string>("noAwait", (_, _) => Task.FromResult("done")),
        Handler<string, string>("cancelOther", (ctx, id) =>
        {
            ctx.CancelInvocation(id);
            return Task.FromResult("cancelled " + id);
        }),
        Handler<string, string>("longStep", async (ctx, _) => await ctx.RunAsync("wait-forever", async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                _closureSawCancel = true;
                throw;
            }

            return "never";
        })));

    [SetUp]
    public void Reset() => _closureSawCancel = false;

    [Test]
    public async Task A_cancel_signal_fails_the_pending_await_with_409_and_the_invocation_ends_with_it()
    {
        var r = await Replay.RunAsync(Svc, "nap", new JournalBuilder().Input("\"x\"").Sleep(1).Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That((r.OutputFailure.Code, r.OutputFailure.Message), Is.EqualTo((409u, "Cancelled")));
    }

    [Test]
    public async Task A_cancel_that_arrived_before_the_first_command_is_observed_at_its_await()
    {
        var r = await Replay.RunAsync(Svc, "nap", new JournalBuilder().Input("\"x\"").Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(409));
    }

    [Test]
    public async Task A_handler_that_awaits_nothing_completes_despite_the_cancel()
    {
        var r = await Replay.RunAsync(Svc, "noAwait", new JournalBuilder().Input("\"x\"").Cancel());
        Assert.That(r.OutputJson, Is.EqualTo("\"done\""));
    }

    [Test]
    public async Task A_result_journaled_before_the_cancel_is_returned_and_the_next_await_is_cancelled()
    {
        var r = await Replay.RunAsync(Svc, "twoNaps", new JournalBuilder().Input("\"x\"").Sleep(1).SleepCompletion(1).Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.At<SleepCommandMessage>(0).ResultCompletionId, Is.EqualTo(2));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(409));
    }

    [Test]
    public async Task A_result_journaled_after_the_cancel_does_not_beat_it()
    {
        var r = await Replay.RunAsync(Svc, "nap", new JournalBuilder().Input("\"x\"").Sleep(1).Cancel().SleepCompletion(1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(409));
    }

    [Test]
    public async Task Cancellation_propagates_to_a_pending_child_call_with_a_cancel_signal()
    {
        var r = await Replay.RunAsync(Svc, "call", new JournalBuilder().Input("1")
            .Call("Math", "slow", "1", 1, 2).CallInvocationId(1, "inv_1child").Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SendSignalCommand, MessageType.OutputCommand, MessageType.End }));
        var signal = r.At<SendSignalCommandMessage>(0);
        Assert.That(signal.TargetInvocationId, Is.EqualTo("inv_1child"));
        Assert.That(signal.SignalIdCase, Is.EqualTo(SendSignalCommandMessage.SignalIdOneofCase.Idx));
        Assert.That(signal.Idx, Is.EqualTo(1));
        Assert.That(signal.ResultCase, Is.EqualTo(SendSignalCommandMessage.ResultOneofCase.Void));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(409));
    }

    [Test]
    public async Task A_journaled_cancel_signal_to_the_child_replays()
    {
        var r = await Replay.RunAsync(Svc, "call", new JournalBuilder().Input("1")
            .Call("Math", "slow", "1", 1, 2).CallInvocationId(1, "inv_1child").Cancel().CancelInvocation("inv_1child"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(409));
    }

    [Test]
    public async Task Without_the_childs_invocation_id_the_attempt_suspends_on_it_and_not_on_cancel_again()
    {
        var r = await Replay.RunAsync(Svc, "call", new JournalBuilder().Input("1").Call("Math", "slow", "1", 1, 2).Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions.Order(), Is.EqualTo(new uint[] { 1, 2 }));
        Assert.That(r.Suspension.WaitingSignals, Is.Empty, "the cancel signal already arrived");
    }

    [Test]
    public async Task One_way_sends_are_not_cancelled_only_calls()
    {
        var r = await Replay.RunAsync(Svc, "sendThenCall", new JournalBuilder().Input("1")
            .OneWayCall("Mailer", "remind", "1", 1).CallInvocationId(1, "inv_1send")
            .Call("Math", "slow", "1", 2, 3).CallInvocationId(2, "inv_1call").Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SendSignalCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.Single<SendSignalCommandMessage>().TargetInvocationId, Is.EqualTo("inv_1call"));
    }

    [Test]
    public async Task A_call_that_returned_before_the_cancel_is_not_signalled()
    {
        var r = await Replay.RunAsync(Svc, "callThenNap", new JournalBuilder().Input("1")
            .Call("Math", "fast", "1", 1, 2).CallInvocationId(1, "inv_1fast").CallCompletion(2, "2").Sleep(3).Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(409));
    }

    [Test]
    public async Task A_handler_may_catch_the_cancellation_and_keep_journaling_and_later_suspensions_omit_signal_1()
    {
        var r = await Replay.RunAsync(Svc, "compensate", new JournalBuilder().Input("\"x\"").Sleep(1).Cancel());
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That((r.At<RunCommandMessage>(0).Name, r.At<RunCommandMessage>(0).ResultCompletionId), Is.EqualTo(("refund", 2u)));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
        Assert.That(r.Suspension.WaitingSignals, Is.Empty);

        var done = await Replay.RunAsync(Svc, "compensate", new JournalBuilder().Input("\"x\"").Sleep(1).Cancel().Run("refund", 2).RunCompletion(2, "\"refunded\""));
        Assert.That(done.OutputJson, Is.EqualTo("\"compensated token=True\""));
    }

    [Test]
    public async Task Cancelling_another_invocation_journals_a_cancel_signal_to_it()
    {
        var r = await Replay.RunAsync(Svc, "cancelOther", new JournalBuilder().Input("\"inv_1other\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SendSignalCommand, MessageType.OutputCommand, MessageType.End }));
        var signal = r.At<SendSignalCommandMessage>(0);
        Assert.That((signal.TargetInvocationId, signal.Idx), Is.EqualTo(("inv_1other", 1u)));
        Assert.That(signal.ResultCase, Is.EqualTo(SendSignalCommandMessage.ResultOneofCase.Void));
    }

    [Test]
    public async Task Bidi_a_cancel_while_waiting_ends_the_invocation_with_409()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(new JournalBuilder().Cancel());
        var output = (await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>();
        Assert.That((output.Failure.Code, output.Failure.Message), Is.EqualTo((409u, "Cancelled")));
        await d.NextAsync(MessageType.End);
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Ended));
    }

    [Test]
    public async Task Bidi_cancel_waits_for_the_childs_invocation_id_then_signals_the_child()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "call", new JournalBuilder().Input("1"));
        await d.NextAsync(MessageType.CallCommand);
        await d.SendAsync(new JournalBuilder().Cancel());
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(300)), Is.True, "the child's id is not known yet");
        await d.SendAsync(new JournalBuilder().CallInvocationId(1, "inv_1late"));
        Assert.That((await d.NextAsync(MessageType.SendSignalCommand)).As<SendSignalCommandMessage>().TargetInvocationId, Is.EqualTo("inv_1late"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Failure.Code, Is.EqualTo(409));
        await d.NextAsync(MessageType.End);
    }

    [Test]
    public async Task Bidi_a_cancel_mid_run_cancels_the_closures_token_and_ends_with_409()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "longStep", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.RunCommand);
        await d.SendAsync(new JournalBuilder().Cancel());
        var result = await d.ResultAsync();
        Assert.That(result.Types.Where(t => t != MessageType.ProposeRunCompletion), Is.EqualTo(new[] { MessageType.RunCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.OutputFailure.Code, Is.EqualTo(409));
        foreach (var proposal in result.All<ProposeRunCompletionMessage>())
        {
            Assert.That(proposal.Failure.Code, Is.EqualTo(409), "a cancelled closure proposes 409 Cancelled");
        }

        Assert.That(SpinWait.SpinUntil(() => _closureSawCancel, TimeSpan.FromSeconds(10)), Is.True, "the closure's token was cancelled");
    }
}
