using System.Buffers;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

/// <summary>
/// A cancelled invocation cancels the calls it made: at the await that observes the CANCEL signal it journals a
/// <c>SendSignal(CANCEL)</c> to each callee whose call had not returned, so a replay reproduces the same commands.
/// </summary>
public sealed class CancellationPropagationTests
{
    private static readonly Definitions.ServiceDefinition Caller = Service("Caller",
        Handler<string, string>("one", async (ctx, _) => await ctx.CallAsync<string, string>(CallTarget.ForService("Callee", "work"), "a")),
        Handler<string, string>("two", async (ctx, _) =>
        {
            var first = ctx.CallAsync<string, string>(CallTarget.ForService("Callee", "work"), "a");
            var second = ctx.CallAsync<string, string>(CallTarget.ForObject("Callee", "k", "work"), "b");
            ctx.Send(CallTarget.ForService("Callee", "work"), "fire-and-forget");
            await ctx.WhenAll(first, second);
            return "done";
        }),
        Handler<string, string>("returnedThenSleep", async (ctx, _) =>
        {
            var r = await ctx.CallAsync<string, string>(CallTarget.ForService("Callee", "work"), "a");
            await ctx.SleepAsync(TimeSpan.FromHours(1));
            return r;
        }),
        Handler<string, string>("catches", async (ctx, _) =>
        {
            try
            {
                return await ctx.CallAsync<string, string>(CallTarget.ForService("Callee", "work"), "a");
            }
            catch (CancelledException)
            {
                // Compensation after the cancellation: the next await is not cancelled again.
                return await ctx.RunAsync("compensate", _ => Task.FromResult("compensated"));
            }
        }));

    /// <summary>Start plus journal entries, as restate-server sends them.</summary>
    private sealed class Journal
    {
        private readonly List<(MessageType, IMessage)> _entries = [];

        public Journal Add(MessageType type, IMessage message)
        {
            _entries.Add((type, message));
            return this;
        }

        public Journal Input() => Add(MessageType.InputCommand, new InputCommandMessage { Value = new Value { Content = ByteString.CopyFromUtf8("\"x\"") } });

        public Journal Call(uint idIdx, uint resultIdx, string param = "\"a\"", string key = "") => Add(MessageType.CallCommand, new CallCommandMessage
        {
            ServiceName = "Callee",
            HandlerName = "work",
            Parameter = ByteString.CopyFromUtf8(param),
            Key = key,
            InvocationIdNotificationIdx = idIdx,
            ResultCompletionId = resultIdx,
        });

        public Journal Send(uint idIdx) => Add(MessageType.OneWayCallCommand, new OneWayCallCommandMessage
        {
            ServiceName = "Callee",
            HandlerName = "work",
            Parameter = ByteString.CopyFromUtf8("\"fire-and-forget\""),
            InvocationIdNotificationIdx = idIdx,
        });

        public Journal InvocationId(uint idx, string id) => Add(MessageType.CallInvocationIdCompletion, new NotificationTemplate { CompletionId = idx, InvocationId = id });

        public Journal CallResult(uint idx, string json) => Add(MessageType.CallCompletion, new NotificationTemplate
        {
            CompletionId = idx,
            Value = new Value { Content = ByteString.CopyFromUtf8(json) },
        });

        public Journal CallFailure(uint idx, ushort code, string message) => Add(MessageType.CallCompletion, new NotificationTemplate
        {
            CompletionId = idx,
            Failure = new Failure { Code = code, Message = message },
        });

        public Journal Cancel() => Add(MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() });

        public Journal CancelSent(string target) => Add(MessageType.SendSignalCommand, new SendSignalCommandMessage
        {
            TargetInvocationId = target,
            Idx = 1,
            Void = new Protocol.Messages.Void(),
        });

        public byte[] Build()
        {
            var start = new StartMessage
            {
                Id = ByteString.CopyFrom(Enumerable.Range(1, 24).Select(i => (byte)i).ToArray()),
                DebugId = "inv_caller",
                KnownEntries = (uint)_entries.Count,
                PartialState = true,
                RandomSeed = 1,
            };
            var buffer = new ArrayBufferWriter<byte>();
            FrameCodec.WriteFrame(buffer, MessageType.Start, start);
            foreach (var (type, message) in _entries)
            {
                FrameCodec.WriteFrame(buffer, type, message);
            }

            return buffer.WrittenSpan.ToArray();
        }
    }

    private static async Task<JournalRunResult> RunAsync(string handler, Journal journal)
        => await JournalHarness.RunAsync(Caller, handler, journal.Build());

    [Test]
    public async Task The_pending_call_is_cancelled_before_the_handler_fails_with_409()
    {
        var result = await RunAsync("one", new Journal().Input().Call(1, 2).InvocationId(1, "inv_child").Cancel());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.SendSignalCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain("\"targetInvocationId\": \"inv_child\"").And.Contains("\"idx\": 1"));
        Assert.That(result.Messages[1].Text, Does.Contain("409").And.Contains("Cancelled"));
    }

    [Test]
    public async Task Every_unreturned_call_is_cancelled_in_call_order_but_not_one_way_sends()
    {
        var result = await RunAsync("two", new Journal().Input()
            .Call(1, 2).Call(3, 4, "\"b\"", "k").Send(5)
            .InvocationId(1, "inv_first").InvocationId(3, "inv_second").InvocationId(5, "inv_sent")
            .Cancel());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.SendSignalCommand, MessageType.SendSignalCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain("inv_first"));
        Assert.That(result.Messages[1].Text, Does.Contain("inv_second"));
        Assert.That(result.Messages.Select(m => m.Text), Has.None.Contains("inv_sent"));
    }

    [Test]
    public async Task A_call_that_returned_before_the_cancel_is_not_signalled()
    {
        var result = await RunAsync("returnedThenSleep", new Journal().Input()
            .Call(1, 2).InvocationId(1, "inv_done").CallResult(2, "\"r\"")
            .Add(MessageType.SleepCommand, new SleepCommandMessage { ResultCompletionId = 3, WakeUpTime = 1 })
            .Cancel());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain("409"));
    }

    [Test]
    public async Task Without_the_callee_id_yet_the_invocation_suspends_waiting_for_it()
    {
        var result = await RunAsync("one", new Journal().Input().Call(1, 2).Cancel());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Suspended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.Suspension }));
        Assert.That(result.Messages[0].Text, Does.Contain("\"waitingCompletions\": [ 2, 1 ]").Or.Contains("\"waitingCompletions\": [ 1, 2 ]"));

        // Resumed with the id (after the cancel in the journal): the signal goes out, then the 409.
        var resumed = await RunAsync("one", new Journal().Input().Call(1, 2).Cancel().InvocationId(1, "inv_late"));
        Assert.That(resumed.Types, Is.EqualTo(new[] { MessageType.SendSignalCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(resumed.Messages[0].Text, Does.Contain("inv_late"));
    }

    [Test]
    public async Task A_replay_reproduces_the_cancellation_even_though_the_callee_result_is_now_in_the_journal()
    {
        // The attempt that observed the cancel journaled SendSignal; the callee then returned its own 409. A replay
        // must throw the cancellation at the same await (not return the callee's result) and match SendSignal.
        var result = await RunAsync("catches", new Journal().Input()
            .Call(1, 2).InvocationId(1, "inv_child").Cancel().CancelSent("inv_child")
            .CallFailure(2, 409, "Cancelled")
            .Add(MessageType.RunCommand, new RunCommandMessage { Name = "compensate", ResultCompletionId = 3 })
            .Add(MessageType.RunCompletion, new NotificationTemplate { CompletionId = 3, Value = new Value { Content = ByteString.CopyFromUtf8("\"compensated\"") } }));
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain(Convert.ToBase64String("\"compensated\""u8)));
    }

    [Test]
    public async Task A_result_that_arrived_before_the_cancel_is_returned_and_the_next_await_is_cancelled()
    {
        // Replay of: call returned, then the cancel arrived while sleeping.
        var result = await RunAsync("returnedThenSleep", new Journal().Input()
            .Call(1, 2).InvocationId(1, "inv_child").CallResult(2, "\"r\"")
            .Add(MessageType.SleepCommand, new SleepCommandMessage { ResultCompletionId = 3, WakeUpTime = 1 })
            .Cancel()
            .Add(MessageType.SleepCompletion, new NotificationTemplate { CompletionId = 3, Void = new Protocol.Messages.Void() }));
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(result.Messages[0].Text, Does.Contain("409").And.Contains("Cancelled"));
    }
}
