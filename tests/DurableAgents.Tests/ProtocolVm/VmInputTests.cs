using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;

namespace DurableAgents.Tests.ProtocolVm;

/// <summary>The state machine's input side, driven from bytes with no transport.</summary>
public sealed class VmInputTests
{
    [Test]
    public void Start_and_input_make_the_machine_ready_to_process()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("\"x\"").Build());
        Assert.Multiple(() =>
        {
            Assert.That(vm.Machine.Ready.IsCompletedSuccessfully, Is.True);
            Assert.That(vm.Machine.IsReplaying, Is.False);
            Assert.That(vm.Machine.Input.Value.Content.ToStringUtf8(), Is.EqualTo("\"x\""));
            Assert.That(vm.TakeOutput(), Is.Empty, "nothing is written before the handler acts");
        });
    }

    [Test]
    public void Ready_is_handed_to_the_scheduler_not_run_inline()
    {
        var vm = new VmDriver();
        vm.Machine.NotifyInput(new JournalBuilder().Input("1").Build());
        Assert.That(vm.Machine.Ready.IsCompleted, Is.False, "the handler starts only when the transport runs the wake-up");
        Assert.That(vm.Scheduler.RunAll(), Is.EqualTo(1));
        Assert.That(vm.Machine.Ready.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void A_journal_with_recorded_commands_starts_in_replay()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Run("a", 1).RunCompletion(1, "2").Build());
        Assert.That(vm.Machine.IsReplaying, Is.True);
    }

    [Test]
    public void Bytes_split_at_every_offset_give_the_same_machine_state()
    {
        var bytes = new JournalBuilder().Input("\"split\"").Run("a", 1).RunCompletion(1, "\"r\"").Build();
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var vm = new VmDriver();
            var first = bytes.AsMemory(0, cut);
            var consumed = vm.Machine.NotifyInput(first);
            var rest = bytes.AsMemory(consumed);
            Assert.That(vm.Machine.NotifyInput(rest), Is.EqualTo(rest.Length), $"cut at {cut}");
            vm.Scheduler.RunAll();
            Assert.That(vm.Machine.Ready.IsCompletedSuccessfully, Is.True, $"cut at {cut}");
            Assert.That(vm.Machine.IsReplaying, Is.True, $"cut at {cut}");
        }
    }

    [Test]
    public void An_incomplete_frame_is_left_unconsumed()
    {
        var bytes = new JournalBuilder().Input("1").Build();
        var vm = new VmDriver();
        Assert.That(vm.Machine.NotifyInput(bytes.AsMemory(0, 5)), Is.Zero, "a frame header alone is 8 bytes");
        Assert.That(vm.Machine.NotifyInput(bytes.AsMemory(0, bytes.Length - 1)) , Is.LessThan(bytes.Length - 1));
    }

    [Test]
    public void A_first_message_other_than_start_is_a_protocol_violation()
    {
        var vm = new VmDriver();
        vm.Feed(MessageType.InputCommand, new InputCommandMessage());
        var output = vm.TakeOutput();
        Assert.That(output.Select(o => o.Type), Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(((ErrorMessage)output[0].Message).Code, Is.EqualTo(571));
        Assert.That(vm.Machine.Closed.Result, Is.EqualTo(InvocationOutcome.Failed));
    }

    [Test]
    public void Known_entries_of_zero_is_a_protocol_violation()
    {
        var vm = new VmDriver();
        vm.Feed(MessageType.Start, new StartMessage { KnownEntries = 0, DebugId = "inv_1" });
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.That(error.Code, Is.EqualTo(571));
        Assert.That(error.Message, Does.Contain("known_entries"));
    }

    [Test]
    public void Input_closed_inside_a_frame_is_a_protocol_violation()
    {
        var bytes = new JournalBuilder().Input("1").Build();
        var vm = new VmDriver();
        var consumed = vm.Machine.NotifyInput(bytes.AsMemory(0, bytes.Length - 2));
        vm.CloseInput(bytes.Length - 2 - consumed);
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.That(error.Code, Is.EqualTo(571));
        Assert.That(error.Message, Does.Contain("trailing bytes"));
    }

    [Test]
    public void Input_closed_before_the_journal_is_complete_is_a_protocol_violation()
    {
        var vm = new VmDriver();
        vm.Feed(MessageType.Start, new StartMessage { KnownEntries = 3, DebugId = "inv_1" });
        vm.Feed(MessageType.InputCommand, new InputCommandMessage());
        vm.CloseInput();
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.That(error.Message, Does.Contain("2 known journal entries still missing"));
    }

    [Test]
    public void After_a_violation_further_input_is_discarded()
    {
        var vm = new VmDriver();
        var garbage = new byte[] { 0xFF, 0xFF, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4 }; // an unknown message type
        vm.Machine.NotifyInput(garbage);
        Assert.That(vm.Machine.IsClosed, Is.True);
        var more = new JournalBuilder().Input("1").Build();
        Assert.That(vm.Machine.NotifyInput(more), Is.EqualTo(more.Length), "consumed and dropped");
        Assert.That(vm.TakeOutput().Select(o => o.Type), Is.EqualTo(new[] { MessageType.Error }), "exactly one Error, nothing after it");
    }

    [Test]
    public void A_notification_before_its_command_resolves_the_command_when_issued()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        vm.Feed(MessageType.SleepCompletion, VmDriver.VoidCompletion(1));
        var slot = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        Assert.That(slot.Result, Is.Not.Null);
        Assert.That(vm.TakeOutput().Single().Type, Is.EqualTo(MessageType.SleepCommand));
    }

    [Test]
    public void Cancel_signal_trips_the_cancellation_token()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        Assert.That(vm.Machine.CancellationToken.IsCancellationRequested, Is.False);
        vm.Feed(MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() });
        Assert.That(vm.Machine.CancellationToken.IsCancellationRequested, Is.True);
    }

    [Test]
    public void Command_ack_is_ignored()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        vm.Feed(MessageType.CommandAck, new CommandAckMessage { CommandIndex = 1 });
        Assert.That(vm.Machine.IsClosed, Is.False);
        Assert.That(vm.TakeOutput(), Is.Empty);
    }

    [Test]
    public void A_command_after_the_known_entries_is_a_protocol_violation()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        vm.Feed(MessageType.RunCommand, new RunCommandMessage { Name = "late", ResultCompletionId = 1 });
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.That(error.Code, Is.EqualTo(571));
        Assert.That(error.Message, Does.Contain("after the known journal entries"));
    }
}
