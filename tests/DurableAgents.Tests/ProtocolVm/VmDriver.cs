using System.Buffers;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Tests.ProtocolVm;

/// <summary>
/// Drives an <see cref="InvocationStateMachine"/> directly, without a transport: bytes in, frames out, continuations
/// run on the test thread by a <see cref="ManualScheduler"/>. Deterministic: nothing runs unless the test runs it.
/// </summary>
internal sealed class VmDriver
{
    public VmDriver()
    {
        Machine = new InvocationStateMachine(null, Scheduler);
    }

    public ManualScheduler Scheduler { get; } = new();

    public InvocationStateMachine Machine { get; }

    /// <summary>Feeds bytes and runs the continuations they woke.</summary>
    public VmDriver Feed(ReadOnlySpan<byte> bytes)
    {
        var consumed = Machine.NotifyInput(bytes.ToArray());
        Assert.That(consumed, Is.EqualTo(bytes.Length), "every complete frame is consumed");
        Scheduler.RunAll();
        return this;
    }

    /// <summary>Feeds one message as a frame.</summary>
    public VmDriver Feed(MessageType type, IMessage message) => Feed(Frame(type, message));

    public VmDriver CloseInput(long trailing = 0)
    {
        Machine.NotifyInputClosed(trailing);
        Scheduler.RunAll();
        return this;
    }

    /// <summary>Every frame the machine has ready now, decoded.</summary>
    public List<(MessageType Type, IMessage Message)> TakeOutput() => Decode(Machine.TakeOutput());

    public static byte[] Frame(MessageType type, IMessage? message)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(writer, type, message);
        return writer.WrittenSpan.ToArray();
    }

    public static List<(MessageType Type, IMessage Message)> Decode(ReadOnlyMemory<byte> bytes)
    {
        var list = new List<(MessageType, IMessage)>();
        var seq = new ReadOnlySequence<byte>(bytes);
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            list.Add((header.Type, FrameCodec.Decode(header.Type, payload)));
        }

        Assert.That(seq.Length, Is.Zero, "the output holds whole frames only");
        return list;
    }

    public static NotificationTemplate Completion(uint id, string json) => new() { CompletionId = id, Value = new Value { Content = ByteString.CopyFromUtf8(json) } };

    public static NotificationTemplate VoidCompletion(uint id) => new() { CompletionId = id, Void = new Protocol.Messages.Void() };
}
