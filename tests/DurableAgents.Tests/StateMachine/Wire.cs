using System.Buffers;
using System.Text;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Frame-level helpers: decode a byte stream into messages, and write raw (possibly invalid) frames.</summary>
internal static class Wire
{
    public static List<OutputFrame> Decode(ReadOnlyMemory<byte> bytes)
    {
        var list = new List<OutputFrame>();
        var seq = new ReadOnlySequence<byte>(bytes);
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            list.Add(new OutputFrame(header.Type, FrameCodec.Decode(header.Type, payload), header.Flags));
        }

        Assert.That(seq.Length, Is.Zero, "trailing bytes after the last frame");
        return list;
    }

    /// <summary>One frame of <paramref name="type"/> with <paramref name="message"/> as its payload (any type/payload pairing).</summary>
    public static byte[] Frame(MessageType type, IMessage? message, ushort flags = 0)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(buffer, type, message, flags);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A frame header followed by <paramref name="payload"/> verbatim (for malformed payloads and lengths).</summary>
    public static byte[] RawFrame(ushort type, uint declaredLength, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader((MessageType)type, 0, declaredLength).Write(bytes);
        payload.CopyTo(bytes.AsSpan(FrameHeader.Size));
        return bytes;
    }

    public static StartMessage Start(uint knownEntries, string key = "", ulong seed = 42) => new()
    {
        Id = ByteString.CopyFrom(Enumerable.Range(1, 24).Select(i => (byte)i).ToArray()),
        DebugId = "inv_raw",
        KnownEntries = knownEntries,
        Key = key,
        RandomSeed = seed,
        PartialState = true,
    };

    public static InputCommandMessage Input(string json) => new() { Value = new Value { Content = ByteString.CopyFromUtf8(json) } };

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static string Utf8(ByteString bytes) => bytes.ToStringUtf8();

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
