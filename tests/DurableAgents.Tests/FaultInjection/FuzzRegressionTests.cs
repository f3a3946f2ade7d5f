using System.Buffers;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>Minimal reproductions of the bugs the frame fuzzer found, kept as regression tests.</summary>
public sealed class FuzzRegressionTests
{
    private static byte[] Frames(params (MessageType Type, IMessage? Message)[] frames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (type, message) in frames)
        {
            FrameCodec.WriteFrame(buffer, type, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static StartMessage Start(uint knownEntries) => new()
    {
        Id = ByteString.CopyFrom(new byte[24]),
        DebugId = "inv_fuzz",
        KnownEntries = knownEntries,
        PartialState = true,
    };

    private static InputCommandMessage Input(string json) => new() { Value = new Value { Content = ByteString.CopyFromUtf8(json) } };

    /// <summary>
    /// Found by the fuzzer (a SleepCompletion with a zeroed length; a RunCommand retyped to an unknown notification):
    /// a notification without an id as the last known entry failed the attempt with 571, and then the end of the
    /// replay prefix re-opened it, so the handler ran and wrote commands and a second terminal message after the Error.
    /// </summary>
    [Test]
    public async Task A_notification_without_an_id_among_the_known_entries_fails_once_with_571_and_nothing_after()
    {
        var bytes = Frames(
            (MessageType.Start, Start(2)),
            (MessageType.InputCommand, Input("\"x\"")),
            (MessageType.SleepCompletion, null));
        var result = await JournalHarness.RunAsync(FuzzServices.Greeter, "greet", bytes);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.Error }), string.Join(", ", result.Messages));
        Assert.That(result.ErrorCode, Is.EqualTo(571));
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Failed));
    }

    [Test]
    public async Task A_notification_without_an_id_followed_by_a_torn_frame_still_answers_exactly_one_error()
    {
        var bytes = Frames(
            (MessageType.Start, Start(3)),
            (MessageType.InputCommand, Input("\"x\"")),
            (MessageType.SleepCommand, new SleepCommandMessage { ResultCompletionId = 1, WakeUpTime = 1 }),
            (MessageType.SleepCompletion, null));
        bytes = [.. bytes, 0x08, 0x01, 0x22, 0x00];
        var result = await JournalHarness.RunAsync(FuzzServices.Raw, "sleepy", bytes);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.Error }), string.Join(", ", result.Messages));
        Assert.That(result.ErrorCode, Is.EqualTo(571));
    }
}
