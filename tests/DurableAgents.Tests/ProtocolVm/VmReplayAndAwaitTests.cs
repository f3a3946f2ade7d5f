using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;

namespace DurableAgents.Tests.ProtocolVm;

/// <summary>Replay matching, parking awaits, waking them, cancellation and suspension, without a transport.</summary>
public sealed class VmReplayAndAwaitTests
{
    private static SlotFuture<string> Future(InvocationStateMachine machine, Slot slot)
        => new(machine, slot, n => n.Value.Content.ToStringUtf8());

    [Test]
    public void A_replayed_command_writes_nothing_and_returns_the_recorded_one()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Run("a", 1).RunCompletion(1, "\"r\"").Build());
        var (slot, execute, _, replayed) = vm.Machine.RunCommand("a");
        Assert.Multiple(() =>
        {
            Assert.That(execute, Is.False, "the result is in the journal");
            Assert.That(replayed, Is.True);
            Assert.That(slot.Result!.Value.Content.ToStringUtf8(), Is.EqualTo("\"r\""));
            Assert.That(vm.Machine.IsReplaying, Is.False, "the last recorded command moves the machine to processing");
            Assert.That(vm.TakeOutput(), Is.Empty);
        });
    }

    [Test]
    public void A_different_command_during_replay_is_a_journal_mismatch_naming_both()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Run("a", 1).RunCompletion(1, "2").Build());
        var thrown = Assert.Throws<InvocationClosedException>(() => vm.Machine.RunCommand("renamed"));
        Assert.That(thrown!.Message, Does.Contain("'a'").Or.Contain("a"));
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(570));
            Assert.That(error.RelatedCommandIndex, Is.EqualTo(1u));
            Assert.That(error.RelatedCommandType, Is.EqualTo((uint)MessageType.RunCommand));
            Assert.That(error.Message, Does.Contain("renamed"));
        });
    }

    [Test]
    public void A_different_kind_during_replay_is_a_journal_mismatch()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Sleep(1).SleepCompletion(1).Build());
        Assert.Throws<InvocationClosedException>(() => vm.Machine.RunCommand("a"));
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.That(error.Code, Is.EqualTo(570));
        Assert.That(error.Message, Does.Contain("SleepCommand"));
    }

    [Test]
    public void A_parked_await_resumes_when_its_completion_arrives()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        var slot = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        var resumed = 0;
        vm.Machine.Park(Future(vm.Machine, slot), () => resumed++);
        Assert.That(resumed, Is.Zero);
        vm.Feed(MessageType.SleepCompletion, VmDriver.VoidCompletion(slot.Id));
        Assert.That(resumed, Is.EqualTo(1));
    }

    [Test]
    public void A_completion_for_another_id_does_not_wake_the_await()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        var slot = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        var resumed = 0;
        vm.Machine.Park(Future(vm.Machine, slot), () => resumed++);
        vm.Feed(MessageType.SleepCompletion, VmDriver.VoidCompletion(9));
        Assert.That(resumed, Is.Zero);
    }

    [Test]
    public void Awaiting_a_resolved_future_resumes_at_once_through_the_scheduler()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        vm.Feed(MessageType.SleepCompletion, VmDriver.VoidCompletion(1));
        var slot = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        var resumed = 0;
        vm.Machine.Park(Future(vm.Machine, slot), () => resumed++);
        Assert.That(resumed, Is.Zero, "never inline");
        Assert.That(vm.Scheduler.RunAll(), Is.EqualTo(1));
        Assert.That(resumed, Is.EqualTo(1));
    }

    [Test]
    public void Input_closed_while_parked_suspends_on_the_awaited_ids_and_the_cancel_signal()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        var slot = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        vm.Machine.Park(Future(vm.Machine, slot), () => { });
        vm.CloseInput();
        var output = vm.TakeOutput();
        Assert.That(output.Select(o => o.Type), Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.Suspension }));
        var suspension = (SuspensionMessage)output[1].Message;
        Assert.That(suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That(suspension.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
        Assert.That(vm.Machine.Closed.Result, Is.EqualTo(InvocationOutcome.Suspended));
    }

    [Test]
    public void No_suspension_while_a_run_closure_executes()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        var (slot, _, _, _) = vm.Machine.RunCommand("slow");
        vm.Machine.ReleaseOutput();
        vm.Machine.Park(Future(vm.Machine, slot), () => { });
        vm.CloseInput();
        Assert.That(vm.Machine.IsClosed, Is.False, "the proposal is still to come");
        vm.Machine.ProposeRunCompletion(slot.Id, new ProposeRunCompletionMessage { Value = ByteString.CopyFromUtf8("1") });
        var types = vm.TakeOutput().Select(o => o.Type).ToList();
        Assert.That(types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
    }

    [Test]
    public void Cancel_wakes_a_parked_await_with_cancellation()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        var slot = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        var future = Future(vm.Machine, slot);
        var resumed = 0;
        vm.Machine.Park(future, () => resumed++);
        vm.Feed(MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() });
        Assert.That(resumed, Is.EqualTo(1));
        Assert.That(future.DeliverCancel, Is.True);
    }

    [Test]
    public void An_await_the_journal_cannot_satisfy_during_replay_is_a_mismatch()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Sleep(1).Run("after", 2).RunCompletion(2, "1").Build());
        var sleep = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        var resumed = 0;
        var future = Future(vm.Machine, sleep);
        vm.Machine.Park(future, () => resumed++);
        vm.Scheduler.RunAll();
        Assert.That(resumed, Is.EqualTo(1));
        Assert.That(future.DeliverClosed, Is.True);
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.That(error.Code, Is.EqualTo(570));
        Assert.That(error.Message, Does.Contain("await"));
    }

    [Test]
    public void Closing_wakes_every_parked_await_as_closed()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        var a = Future(vm.Machine, vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 }));
        var b = Future(vm.Machine, vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 2 }));
        var resumed = 0;
        vm.Machine.Park(a, () => resumed++);
        vm.Machine.Park(b, () => resumed++);
        vm.Machine.NotifyAborted();
        vm.Scheduler.RunAll();
        Assert.That(resumed, Is.EqualTo(2));
        Assert.That(a.DeliverClosed && b.DeliverClosed, Is.True);
    }

    [Test]
    public void Retry_info_from_start_reaches_a_replayed_run_without_result()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().RetryInfo(3, TimeSpan.FromSeconds(2)).Input("1").Run("flaky", 1).Build());
        var (_, execute, _, replayed) = vm.Machine.RunCommand("flaky");
        Assert.That(execute && replayed, Is.True);
        Assert.That(vm.Machine.PreviousAttempts(replayed), Is.EqualTo((3u, TimeSpan.FromSeconds(2))));
        Assert.That(vm.Machine.PreviousAttempts(false), Is.EqualTo((0u, TimeSpan.Zero)));
    }
}
