using System.Buffers;
using DurableAgents.Protocol;

namespace DurableAgents.Tests;

public sealed class CodecTests
{
    // V7 vectors use message types (AwaitingOn 0x0006, ProposeRunCompletionAck 0x0007) that V6 does not have.
    private static IEnumerable<string> V6Files() => Vectors.Files("*.hex").Where(f => !f.StartsWith("v7-", StringComparison.Ordinal) && !f.Contains("discover", StringComparison.Ordinal));

    [TestCaseSource(nameof(V6Files))]
    public void Every_captured_frame_decodes_and_re_encodes_byte_for_byte(string file)
    {
        var bytes = Vectors.Read(file);
        var frames = Vectors.Frames(bytes);
        if (bytes.Length > 0)
        {
            Assert.That(frames, Is.Not.Empty);
        }

        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (header, message) in frames)
        {
            FrameCodec.WriteFrame(buffer, header.Type, message, header.Flags);
        }

        Assert.That(Convert.ToHexString(buffer.WrittenSpan), Is.EqualTo(Convert.ToHexString(bytes)));
    }

    [Test]
    public void A_frame_split_across_segments_is_reassembled()
    {
        var bytes = Vectors.Read("v6-bidi-greet-run-sleep-run.req.hex");
        var expected = Vectors.Frames(bytes).Count;
        for (var split = 1; split < bytes.Length; split += 7)
        {
            var seq = Segments.Of(bytes[..split], bytes[split..]);
            var count = 0;
            while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
            {
                _ = FrameCodec.Decode(header.Type, payload);
                count++;
            }

            Assert.That(count, Is.EqualTo(expected), $"split at {split}");
        }
    }

    [Test]
    public void A_partial_frame_is_not_consumed()
    {
        var bytes = Vectors.Read("raw-h2-bidi-echo.req.hex");
        var seq = new ReadOnlySequence<byte>(bytes, 0, 12);
        Assert.That(FrameCodec.TryReadFrame(ref seq, out _, out _), Is.False);
        Assert.That(seq.Length, Is.EqualTo(12));
    }

    [Test]
    public void An_oversized_length_is_a_protocol_violation()
    {
        var header = new byte[8];
        new FrameHeader(MessageType.InputCommand, 0, FrameCodec.MaxMessageSize + 1).Write(header);
        var seq = new ReadOnlySequence<byte>(header);
        Assert.Throws<ProtocolViolationException>(() => FrameCodec.TryReadFrame(ref seq, out _, out _));
    }

    [Test]
    public void Unknown_message_types_are_protocol_violations()
    {
        Assert.Throws<ProtocolViolationException>(() => FrameCodec.Decode((MessageType)0x7ABC, ReadOnlySequence<byte>.Empty));
    }

    [Test]
    public void Header_flags_round_trip_requested_ack()
    {
        var span = new byte[8];
        new FrameHeader(MessageType.ProposeRunCompletion, FrameHeader.RequestedAckFlag, 17).Write(span);
        Assert.That(Convert.ToHexString(span), Is.EqualTo("0005800000000011"));
        Assert.That(FrameHeader.Read(span).RequestedAck, Is.True);
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Of(byte[] first, byte[] second)
        {
            var a = new Segments(first, 0);
            var b = new Segments(second, first.Length);
            a.Next = b;
            return new ReadOnlySequence<byte>(a, 0, b, second.Length);
        }
    }
}
