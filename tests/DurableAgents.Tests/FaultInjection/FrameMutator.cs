using System.Buffers.Binary;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>The kinds of damage <see cref="FrameMutator"/> does to a captured request body.</summary>
internal enum Mutation
{
    BitFlip,
    Truncate,
    LengthField,
    TypeChange,
    FlagsChange,
    ByteOverwrite,
    InsertBytes,
    DeleteBytes,
    DuplicateFrame,
    DropFrame,
    SwapFrames,
    KnownEntries,
}

/// <summary>
/// Seeded, reproducible mutations of a valid frame stream (Start + journal): bit flips, truncations, corrupted
/// length fields, changed message types and flags, inserted/deleted bytes, duplicated/dropped/swapped frames and a
/// wrong <c>known_entries</c>. Case <c>i</c> of seed <c>s</c> is always the same bytes.
/// </summary>
internal static class FrameMutator
{
    public static readonly Mutation[] All = Enum.GetValues<Mutation>();

    private static readonly ushort[] KnownTypes = Enum.GetValues<MessageType>().Select(t => (ushort)t).ToArray();

    /// <summary>Offsets and lengths of the frames of a well-formed stream.</summary>
    public static List<(int Offset, int Length)> Frames(byte[] bytes)
    {
        var frames = new List<(int, int)>();
        var offset = 0;
        while (offset + FrameHeader.Size <= bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 4));
            var total = FrameHeader.Size + length;
            if (offset + total > bytes.Length)
            {
                break;
            }

            frames.Add((offset, total));
            offset += total;
        }

        return frames;
    }

    public static byte[] Mutate(byte[] original, Mutation mutation, Random random)
    {
        var frames = Frames(original);
        var bytes = (byte[])original.Clone();
        var frame = frames[random.Next(frames.Count)];
        switch (mutation)
        {
            case Mutation.BitFlip:
                for (int i = 0, n = 1 + random.Next(4); i < n; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case Mutation.Truncate:
                return bytes[..random.Next(bytes.Length)];
            case Mutation.LengthField:
            {
                var current = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(frame.Offset + 4));
                uint value = random.Next(6) switch
                {
                    0 => 0,
                    1 => uint.MaxValue,
                    2 => FrameCodec.MaxMessageSize + 1 + (uint)random.Next(1000),
                    3 => current + 1 + (uint)random.Next(16),
                    4 => current > 0 ? current - 1 - (uint)random.Next((int)Math.Min(current, 16u)) : 1,
                    _ => (uint)random.Next(1, 4096),
                };
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(frame.Offset + 4), value);
                return bytes;
            }

            case Mutation.TypeChange:
            {
                var type = random.Next(5) == 0 ? (ushort)random.Next(ushort.MaxValue + 1) : KnownTypes[random.Next(KnownTypes.Length)];
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(frame.Offset), type);
                return bytes;
            }

            case Mutation.FlagsChange:
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(frame.Offset + 2), (ushort)random.Next(1, ushort.MaxValue + 1));
                return bytes;
            case Mutation.ByteOverwrite:
                for (int i = 0, n = 1 + random.Next(8); i < n; i++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case Mutation.InsertBytes:
            {
                var at = random.Next(bytes.Length + 1);
                var extra = new byte[1 + random.Next(16)];
                random.NextBytes(extra);
                return [.. bytes.AsSpan(0, at), .. extra, .. bytes.AsSpan(at)];
            }

            case Mutation.DeleteBytes:
            {
                var at = random.Next(bytes.Length);
                var count = Math.Min(1 + random.Next(16), bytes.Length - at);
                return [.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + count)];
            }

            case Mutation.DuplicateFrame:
            {
                var at = frame.Offset + frame.Length;
                return [.. bytes.AsSpan(0, at), .. bytes.AsSpan(frame.Offset, frame.Length), .. bytes.AsSpan(at)];
            }

            case Mutation.DropFrame:
                return [.. bytes.AsSpan(0, frame.Offset), .. bytes.AsSpan(frame.Offset + frame.Length)];
            case Mutation.SwapFrames:
            {
                var other = frames[random.Next(frames.Count)];
                var (a, b) = frame.Offset <= other.Offset ? (frame, other) : (other, frame);
                if (a.Offset == b.Offset)
                {
                    return bytes;
                }

                return [.. bytes.AsSpan(0, a.Offset), .. bytes.AsSpan(b.Offset, b.Length), .. bytes.AsSpan(a.Offset + a.Length, b.Offset - a.Offset - a.Length),
                    .. bytes.AsSpan(a.Offset, a.Length), .. bytes.AsSpan(b.Offset + b.Length)];
            }

            case Mutation.KnownEntries:
            {
                var first = frames[0];
                var start = StartMessage.Parser.ParseFrom(bytes, first.Offset + FrameHeader.Size, first.Length - FrameHeader.Size);
                var delta = random.Next(-3, 4);
                start.KnownEntries = random.Next(8) == 0 ? uint.MaxValue : (uint)Math.Max(0, (int)start.KnownEntries + (delta == 0 ? 1 : delta));
                var body = start.ToByteArray();
                var header = new byte[FrameHeader.Size];
                new FrameHeader(MessageType.Start, 0, (uint)body.Length).Write(header);
                return [.. header, .. body, .. bytes.AsSpan(first.Offset + first.Length)];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null);
        }
    }
}
