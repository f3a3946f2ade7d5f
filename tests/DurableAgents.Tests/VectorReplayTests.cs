using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;

namespace DurableAgents.Tests;

/// <summary>
/// Golden tests: the request bodies restate-server 1.7.12 sent to the official TypeScript SDK, replayed through our
/// state machine with the equivalent handler; our response must equal the TypeScript SDK's, frame for frame
/// (except wall-clock sleep deadlines and error texts/stack traces, which legitimately differ).
/// </summary>
public sealed class VectorReplayTests
{
    [TestCase("v6-rr-http1-greet-attempt1", "greet")]
    [TestCase("v6-rr-http1-greet-attempt2", "greet")]
    [TestCase("v6-rr-http1-greet-attempt3", "greet")]
    [TestCase("v6-rr-http1-greet-attempt4", "greet")]
    [TestCase("v6-rr-http1-call-attempt1", "callCounter")]
    [TestCase("v6-rr-http1-call-attempt2", "callCounter")]
    [TestCase("v6-rr-http1-awakeable-attempt1", "awake")]
    [TestCase("v6-rr-http1-awakeable-attempt2", "awake")]
    [TestCase("v6-rr-http1-awakeable-attempt3", "awake")]
    [TestCase("v6-rr-http1-run-retry-attempt1", "retryOnce", true)]
    [TestCase("v6-rr-http1-run-retry-attempt2", "retryOnce")]
    [TestCase("v6-rr-http1-run-retry-attempt3", "retryOnce")]
    [TestCase("v6-bidi-journal-mismatch-attempt2", "mismatch")]
    public async Task Our_response_matches_the_official_sdk(string vector, string handler, bool flakyFails = false)
    {
        ReferenceHandlers.FlakyShouldFail = flakyFails;
        var request = Vectors.Read(vector + ".req.hex");
        var expected = Vectors.Frames(Vectors.Read(vector + ".resp.hex"));
        var result = await JournalHarness.RunAsync(ReferenceHandlers.Greeter, handler, request);
        var actual = Vectors.Frames(result.ResponseBody);
        Assert.That(actual.Select(f => f.Header.Type), Is.EqualTo(expected.Select(f => f.Header.Type)),
            "message sequence; ours: " + string.Join(", ", result.Messages));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.That(Normalize(actual[i].Message), Is.EqualTo(Normalize(expected[i].Message)), $"frame {i} ({actual[i].Header.Type})");
        }
    }

    private static IMessage Normalize(IMessage message)
    {
        var copy = message.Descriptor.Parser.ParseFrom(message.ToByteArray());
        switch (copy)
        {
            case SleepCommandMessage sleep:
                sleep.WakeUpTime = 0;
                break;
            case ErrorMessage error:
                error.Message = "";
                error.Stacktrace = "";
                break;
        }

        return copy;
    }

    [Test]
    public void Awakeable_ids_match_the_servers_format()
    {
        var start = (StartMessage)Vectors.Frames(Vectors.Read("v6-bidi-awakeable-resolved.req.hex"))[0].Message;
        Assert.That(InvocationContext.AwakeableId(start.Id.Span, 17), Is.EqualTo("sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ"));
    }
}
