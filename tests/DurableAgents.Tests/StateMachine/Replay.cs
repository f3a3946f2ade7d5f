using DurableAgents.Definitions;
using DurableAgents.Testing;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Request-response runs through the public <see cref="JournalHarness"/>: bytes in, input closed, decoded frames out.</summary>
internal static class Replay
{
    public static Task<Replayed> RunAsync(ServiceDefinition service, string handler, JournalBuilder journal) => RunAsync(service, handler, journal.Build());

    public static async Task<Replayed> RunAsync(ServiceDefinition service, string handler, ReadOnlyMemory<byte> requestBody)
    {
        var result = await JournalHarness.RunAsync(service, handler, requestBody, timeout: TimeSpan.FromSeconds(60));
        var replayed = new Replayed(result.Outcome, Wire.Decode(result.ResponseBody));
        // The harness's own view of the final error agrees with the frames.
        if (replayed.Frames.Count > 0 && replayed.Frames[^1].Message is Protocol.Messages.ErrorMessage error)
        {
            Assert.That(result.ErrorCode, Is.EqualTo((int)error.Code));
        }

        return replayed;
    }
}
