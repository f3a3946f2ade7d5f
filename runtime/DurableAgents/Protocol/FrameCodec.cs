using System.Buffers;
using System.Buffers.Binary;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Protocol;

/// <summary>Frame encoding and decoding. Reading works on <see cref="ReadOnlySequence{T}"/> slices of a pipe without copying.</summary>
public static class FrameCodec
{
    /// <summary>The largest message we accept (the server's default message-size limit is 32 MiB).</summary>
    public const uint MaxMessageSize = 32 * 1024 * 1024;

    /// <summary>
    /// Tries to cut one frame off the front of <paramref name="buffer"/>. On success <paramref name="payload"/> is a
    /// slice of the input (no copy) and <paramref name="buffer"/> is advanced past the frame.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out FrameHeader header, out ReadOnlySequence<byte> payload)
    {
        if (buffer.Length < FrameHeader.Size)
        {
            header = default;
            payload = default;
            return false;
        }

        if (buffer.FirstSpan.Length >= FrameHeader.Size)
        {
            header = FrameHeader.Read(buffer.FirstSpan);
        }
        else
        {
            Span<byte> tmp = stackalloc byte[FrameHeader.Size];
            buffer.Slice(0, FrameHeader.Size).CopyTo(tmp);
            header = FrameHeader.Read(tmp);
        }

        if (header.Length > MaxMessageSize)
        {
            throw new ProtocolViolationException($"message {MessageTypes.Name(header.Type)} of {header.Length} bytes exceeds the {MaxMessageSize}-byte limit");
        }

        if (buffer.Length - FrameHeader.Size < header.Length)
        {
            payload = default;
            return false;
        }

        payload = buffer.Slice(FrameHeader.Size, header.Length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Writes one frame (header and protobuf body) to <paramref name="writer"/>.</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, MessageType type, IMessage? message, ushort flags = 0)
    {
        var length = message?.CalculateSize() ?? 0;
        var span = writer.GetSpan(FrameHeader.Size + length);
        new FrameHeader(type, flags, (uint)length).Write(span);
        if (length > 0)
        {
            message!.WriteTo(span.Slice(FrameHeader.Size, length));
        }

        writer.Advance(FrameHeader.Size + length);
    }

    /// <summary>Decodes a payload to its message type. Unknown types raise <see cref="ProtocolViolationException"/>.</summary>
    public static IMessage Decode(MessageType type, in ReadOnlySequence<byte> payload)
    {
        try
        {
            return type switch
            {
                MessageType.Start => StartMessage.Parser.ParseFrom(payload),
                MessageType.Suspension => SuspensionMessage.Parser.ParseFrom(payload),
                MessageType.Error => ErrorMessage.Parser.ParseFrom(payload),
                MessageType.End => EndMessage.Parser.ParseFrom(payload),
                MessageType.CommandAck => CommandAckMessage.Parser.ParseFrom(payload),
                MessageType.ProposeRunCompletion => ProposeRunCompletionMessage.Parser.ParseFrom(payload),
                MessageType.InputCommand => InputCommandMessage.Parser.ParseFrom(payload),
                MessageType.OutputCommand => OutputCommandMessage.Parser.ParseFrom(payload),
                MessageType.GetLazyStateCommand => GetLazyStateCommandMessage.Parser.ParseFrom(payload),
                MessageType.SetStateCommand => SetStateCommandMessage.Parser.ParseFrom(payload),
                MessageType.ClearStateCommand => ClearStateCommandMessage.Parser.ParseFrom(payload),
                MessageType.ClearAllStateCommand => ClearAllStateCommandMessage.Parser.ParseFrom(payload),
                MessageType.GetLazyStateKeysCommand => GetLazyStateKeysCommandMessage.Parser.ParseFrom(payload),
                MessageType.GetEagerStateCommand => GetEagerStateCommandMessage.Parser.ParseFrom(payload),
                MessageType.GetEagerStateKeysCommand => GetEagerStateKeysCommandMessage.Parser.ParseFrom(payload),
                MessageType.GetPromiseCommand => GetPromiseCommandMessage.Parser.ParseFrom(payload),
                MessageType.PeekPromiseCommand => PeekPromiseCommandMessage.Parser.ParseFrom(payload),
                MessageType.CompletePromiseCommand => CompletePromiseCommandMessage.Parser.ParseFrom(payload),
                MessageType.SleepCommand => SleepCommandMessage.Parser.ParseFrom(payload),
                MessageType.CallCommand => CallCommandMessage.Parser.ParseFrom(payload),
                MessageType.OneWayCallCommand => OneWayCallCommandMessage.Parser.ParseFrom(payload),
                MessageType.SendSignalCommand => SendSignalCommandMessage.Parser.ParseFrom(payload),
                MessageType.RunCommand => RunCommandMessage.Parser.ParseFrom(payload),
                MessageType.AttachInvocationCommand => AttachInvocationCommandMessage.Parser.ParseFrom(payload),
                MessageType.GetInvocationOutputCommand => GetInvocationOutputCommandMessage.Parser.ParseFrom(payload),
                MessageType.CompleteAwakeableCommand => CompleteAwakeableCommandMessage.Parser.ParseFrom(payload),
                _ when MessageTypes.IsNotification(type) => NotificationTemplate.Parser.ParseFrom(payload),
                _ => throw new ProtocolViolationException($"unknown message type {MessageTypes.Name(type)}"),
            };
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProtocolViolationException($"malformed {MessageTypes.Name(type)} payload: {e.Message}", e);
        }
    }
}
