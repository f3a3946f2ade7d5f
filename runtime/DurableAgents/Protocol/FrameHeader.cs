using System.Buffers;
using System.Buffers.Binary;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Protocol;

/// <summary>The 8-byte frame header: <c>type:u16 | flags:u16 | length:u32</c>, big-endian.</summary>
public readonly record struct FrameHeader(MessageType Type, ushort Flags, uint Length)
{
    public const int Size = 8;
    public const ushort RequestedAckFlag = 0x8000;

    public bool RequestedAck => (Flags & RequestedAckFlag) != 0;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)Type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Length);
    }

    public static FrameHeader Read(ReadOnlySpan<byte> source) => new(
        (MessageType)BinaryPrimitives.ReadUInt16BigEndian(source),
        BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
        BinaryPrimitives.ReadUInt32BigEndian(source[4..]));
}
