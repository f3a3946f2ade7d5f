using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;

namespace DurableAgents.Tests.ProtocolVm;

/// <summary>Commands out: what the machine hands the transport, and when it tells it.</summary>
public sealed class VmOutputTests
{
    private static VmDriver Processing()
    {
        var vm = new VmDriver();
        vm.Feed(new JournalBuilder().Input("1").Build());
        return vm;
    }

    [Test]
    public void A_processed_command_is_written_as_one_frame()
    {
        var vm = Processing();
        vm.Machine.Command(MessageType.SetStateCommand, new SetStateCommandMessage { Key = ByteString.CopyFromUtf8("k"), Value = new Value { Content = ByteString.CopyFromUtf8("2") } });
        var output = vm.TakeOutput();
        Assert.That(output.Single().Type, Is.EqualTo(MessageType.SetStateCommand));
        Assert.That(((SetStateCommandMessage)output[0].Message).Key.ToStringUtf8(), Is.EqualTo("k"));
    }

    [Test]
    public void The_consumer_is_told_once_per_batch_and_again_after_it_drained()
    {
        var vm = Processing();
        var told = 0;
        Assert.That(vm.Machine.AttachOutput(() => told++), Is.False, "nothing is ready yet");
        vm.Machine.Command(MessageType.ClearStateCommand, new ClearStateCommandMessage { Key = ByteString.CopyFromUtf8("a") });
        vm.Machine.Command(MessageType.ClearStateCommand, new ClearStateCommandMessage { Key = ByteString.CopyFromUtf8("b") });
        Assert.That(told, Is.EqualTo(1), "the consumer owns the output until it drains it: no second call");
        Assert.That(vm.Machine.TryTakeOutput(out var frames, out var final), Is.True);
        Assert.That(final, Is.False);
        Assert.That(VmDriver.Decode(frames).Count, Is.EqualTo(2), "both frames in one batch");
        Assert.That(vm.Machine.TryTakeOutput(out _, out _), Is.False, "drained: the claim is released");
        vm.Machine.Command(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage());
        Assert.That(told, Is.EqualTo(2));
    }

    [Test]
    public void Attaching_with_output_already_ready_hands_it_over_at_once()
    {
        var vm = Processing();
        vm.Machine.Command(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage());
        var told = 0;
        Assert.That(vm.Machine.AttachOutput(() => told++), Is.True);
        Assert.That(told, Is.Zero, "the caller owns it through the return value, not a call");
        Assert.That(vm.Machine.TryTakeOutput(out _, out _), Is.True);
    }

    [Test]
    public void The_consumer_is_told_on_the_thread_that_produced_the_output()
    {
        var vm = Processing();
        int? toldOn = null;
        vm.Machine.AttachOutput(() => toldOn = Environment.CurrentManagedThreadId);
        var thread = new Thread(() => vm.Machine.Command(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage()));
        thread.Start();
        thread.Join();
        Assert.That(toldOn, Is.EqualTo(thread.ManagedThreadId));
    }

    [Test]
    public void A_starting_run_holds_its_command_until_released_and_sends_it_with_the_proposal()
    {
        var vm = Processing();
        var (slot, execute, index, replayed) = vm.Machine.RunCommand("step");
        Assert.Multiple(() =>
        {
            Assert.That(execute, Is.True);
            Assert.That(replayed, Is.False);
            Assert.That(index, Is.EqualTo(1u));
            Assert.That(slot.Id, Is.EqualTo(1u));
        });
        Assert.That(vm.Machine.TryTakeOutput(out _, out _), Is.False, "held while the closure starts");
        vm.Machine.ProposeRunCompletion(slot.Id, new ProposeRunCompletionMessage { Value = ByteString.CopyFromUtf8("7") });
        vm.Machine.ReleaseOutput();
        var output = vm.TakeOutput();
        Assert.That(output.Select(o => o.Type), Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion }));
        Assert.That(((ProposeRunCompletionMessage)output[1].Message).ResultCompletionId, Is.EqualTo(1u));
    }

    [Test]
    public void Complete_writes_output_and_end_as_the_final_batch()
    {
        var vm = Processing();
        vm.Machine.Complete("\"done\""u8.ToArray());
        Assert.That(vm.Machine.TryTakeOutput(out var frames, out var final), Is.True);
        Assert.That(final, Is.True);
        var output = VmDriver.Decode(frames);
        Assert.That(output.Select(o => o.Type), Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(((OutputCommandMessage)output[0].Message).Value.Content.ToStringUtf8(), Is.EqualTo("\"done\""));
        Assert.That(vm.Machine.Closed.Result, Is.EqualTo(InvocationOutcome.Ended));
        Assert.That(vm.Machine.TryTakeOutput(out _, out _), Is.False, "nothing follows the final batch");
    }

    [Test]
    public void A_terminal_failure_is_journaled_as_the_output()
    {
        var vm = Processing();
        vm.Machine.Fail(new TerminalException("no such order", 404));
        var output = vm.TakeOutput();
        Assert.That(output.Select(o => o.Type), Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        var failure = ((OutputCommandMessage)output[0].Message).Failure;
        Assert.That((failure.Code, failure.Message), Is.EqualTo((404u, "no such order")));
    }

    [Test]
    public void Any_other_exception_is_a_retryable_error_with_its_stack()
    {
        var vm = Processing();
        vm.Machine.Fail(new InvalidOperationException("boom"));
        var error = (ErrorMessage)vm.TakeOutput().Single().Message;
        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(500));
            Assert.That(error.Message, Does.Contain("InvalidOperationException: boom"));
            Assert.That(error.Stacktrace, Does.Contain("InvalidOperationException"));
            Assert.That(vm.Machine.Closed.Result, Is.EqualTo(InvocationOutcome.Failed));
        });
    }

    [Test]
    public void A_retryable_run_failure_carries_the_related_command_and_retry_delay()
    {
        var vm = Processing();
        var (slot, _, index, _) = vm.Machine.RunCommand("flaky");
        vm.Machine.RunFailedRetryable(slot.Id, index, "flaky", new IOException("disk"), TimeSpan.FromMilliseconds(250));
        vm.Machine.ReleaseOutput();
        var output = vm.TakeOutput();
        Assert.That(output.Select(o => o.Type), Is.EqualTo(new[] { MessageType.RunCommand, MessageType.Error }));
        var error = (ErrorMessage)output[1].Message;
        Assert.Multiple(() =>
        {
            Assert.That(error.RelatedCommandIndex, Is.EqualTo(1u));
            Assert.That(error.RelatedCommandType, Is.EqualTo((uint)MessageType.RunCommand));
            Assert.That(error.RelatedCommandName, Is.EqualTo("flaky"));
            Assert.That(error.NextRetryDelay, Is.EqualTo(250ul));
        });
    }

    [Test]
    public void Output_failure_ends_the_attempt_and_drops_what_was_buffered()
    {
        var vm = Processing();
        vm.Machine.Command(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage());
        vm.Machine.NotifyOutputFailed();
        Assert.That(vm.Machine.Closed.Result, Is.EqualTo(InvocationOutcome.Failed));
        Assert.That(vm.Machine.TryTakeOutput(out _, out _), Is.False);
        Assert.Throws<InvocationClosedException>(() => vm.Machine.Command(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage()));
    }

    [Test]
    public void An_aborted_request_closes_the_attempt_as_failed()
    {
        var vm = Processing();
        vm.Machine.NotifyAborted();
        Assert.That(vm.Machine.Closed.Result, Is.EqualTo(InvocationOutcome.Failed));
        Assert.That(vm.Machine.TryTakeOutput(out _, out var final), Is.True);
        Assert.That(final, Is.True);
    }

    [Test]
    public void Completion_ids_and_signal_ids_are_allocated_as_the_protocol_numbers_them()
    {
        var vm = Processing();
        var sleep = vm.Machine.CompletableCommand(MessageType.SleepCommand, id => new SleepCommandMessage { ResultCompletionId = id, WakeUpTime = 1 });
        var (invocationId, result) = vm.Machine.CallCommand((a, b) => new CallCommandMessage { ServiceName = "S", HandlerName = "h", InvocationIdNotificationIdx = a, ResultCompletionId = b });
        var (signal, _) = vm.Machine.AllocateSignal();
        var (signal2, _) = vm.Machine.AllocateSignal();
        Assert.That(new[] { sleep.Id, invocationId.Id, result.Id, signal, signal2 }, Is.EqualTo(new uint[] { 1, 2, 3, 17, 18 }));
    }
}
