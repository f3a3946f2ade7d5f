using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Tests.StateMachine;

/// <summary>
/// Every invocation vector captured from restate-server 1.7.12 (shared/restate/vectors) replayed through our state
/// machine. The request frames are fed in the order and at the point the server sent them: each frame goes in once we
/// have written as many frames as the captured SDK had when the server sent it (from the meta file's timeline), and
/// the input closes likewise. Our response must equal the captured one frame for frame, except for wall-clock wake-up
/// times and error texts/stack traces (and the documented per-vector differences below).
/// </summary>
public sealed class GoldenVectorTests
{
    public enum Compare
    {
        /// <summary>Frame for frame (wake-up times and error texts aside).</summary>
        Exact,

        /// <summary>The random vector: the TypeScript SDK's PRNG is not ours; same frames, output of the same JSON shape.</summary>
        OutputShape,

        /// <summary>The raw SDK's Error carried next_retry_delay without a run; ours comes from a throwing handler: same code.</summary>
        ErrorCode,

        /// <summary>The raw SDK did not wait on CANCEL (signal 1); we do, like the TypeScript SDK.</summary>
        SuspensionPlusCancel,
    }

    private static ServiceDefinition ServiceOf(string name) => name switch
    {
        "Greeter" => GoldenServices.Greeter,
        "Counter" => GoldenServices.Counter,
        "Raw" => GoldenServices.Raw,
        "CsRaw" => GoldenServices.CsRaw,
        _ => throw new ArgumentException(name),
    };

    [TestCase("csharp-kestrel-h2-echo", "CsRaw", "echo", Compare.Exact)]
    [TestCase("csharp-kestrel-h2-sleep", "CsRaw", "sleepy", Compare.Exact)]
    [TestCase("raw-h2-bidi-echo", "Raw", "echo", Compare.Exact)]
    [TestCase("raw-h2-bidi-sleep", "Raw", "sleepy", Compare.Exact)]
    [TestCase("raw-h2-bidi-error-next-retry-delay", "Raw", "boom", Compare.ErrorCode)]
    [TestCase("raw-rr-http1-sleep-suspend", "Raw", "sleepy", Compare.SuspensionPlusCancel)]
    [TestCase("raw-rr-http1-sleep-resume", "Raw", "sleepy", Compare.Exact)]
    [TestCase("v6-bidi-awakeable-cancelled", "Greeter", "awake", Compare.Exact)]
    [TestCase("v6-bidi-awakeable-resolved", "Greeter", "awake", Compare.Exact)]
    [TestCase("v6-bidi-call-and-send", "Greeter", "callCounter", Compare.Exact)]
    [TestCase("v6-bidi-delayed-send-target", "Counter", "add", Compare.Exact)]
    [TestCase("v6-bidi-greet-run-sleep-run", "Greeter", "greet", Compare.Exact)]
    [TestCase("v6-bidi-journal-mismatch-attempt1", "Greeter", "mismatchFirst", Compare.Exact)]
    [TestCase("v6-bidi-journal-mismatch-attempt2", "Greeter", "mismatch", Compare.Exact)]
    [TestCase("v6-bidi-object-add-called-by-call", "Counter", "add", Compare.Exact)]
    [TestCase("v6-bidi-object-add-eager", "Counter", "add", Compare.Exact)]
    [TestCase("v6-bidi-object-get-eager", "Counter", "get", Compare.Exact)]
    [TestCase("v6-bidi-object-set", "Counter", "set", Compare.Exact)]
    [TestCase("v6-bidi-random", "Greeter", "rand", Compare.OutputShape)]
    [TestCase("v6-bidi-run-retryable-error-attempt1", "Greeter", "retryOnceFailing", Compare.Exact)]
    [TestCase("v6-bidi-run-retryable-error-attempt2", "Greeter", "retryOnce", Compare.Exact)]
    [TestCase("v6-bidi-terminal-error", "Greeter", "fail", Compare.Exact)]
    [TestCase("v6-rr-http1-awakeable-attempt1", "Greeter", "awake", Compare.Exact)]
    [TestCase("v6-rr-http1-awakeable-attempt2", "Greeter", "awake", Compare.Exact)]
    [TestCase("v6-rr-http1-awakeable-attempt3", "Greeter", "awake", Compare.Exact)]
    [TestCase("v6-rr-http1-call-attempt1", "Greeter", "callCounter", Compare.Exact)]
    [TestCase("v6-rr-http1-call-attempt2", "Greeter", "callCounter", Compare.Exact)]
    [TestCase("v6-rr-http1-greet-attempt1", "Greeter", "greet", Compare.Exact)]
    [TestCase("v6-rr-http1-greet-attempt2", "Greeter", "greet", Compare.Exact)]
    [TestCase("v6-rr-http1-greet-attempt3", "Greeter", "greet", Compare.Exact)]
    [TestCase("v6-rr-http1-greet-attempt4", "Greeter", "greet", Compare.Exact)]
    [TestCase("v6-rr-http1-run-retry-attempt1", "Greeter", "retryOnceFailing", Compare.Exact)]
    [TestCase("v6-rr-http1-run-retry-attempt2", "Greeter", "retryOnce", Compare.Exact)]
    [TestCase("v6-rr-http1-run-retry-attempt3", "Greeter", "retryOnce", Compare.Exact)]
    public async Task Replaying_the_captured_request_gives_the_captured_response(string vector, string service, string handler, Compare compare)
    {
        var request = Vectors.Read(vector + ".req.hex");
        var expected = Wire.Decode(Vectors.Read(vector + ".resp.hex"));
        var expectedEnds = FrameEnds(Vectors.Read(vector + ".resp.hex"));
        var (frames, closeAfter) = Schedule(request, expectedEnds, vector);

        await using var d = await BidiDriver.StartAsync(ServiceOf(service), handler, ReadOnlyMemory<byte>.Empty);
        foreach (var (bytes, after) in frames)
        {
            while (d.Received.Count < after)
            {
                await d.NextAsync();
            }

            await d.SendAsync(bytes);
        }

        while (d.Received.Count < closeAfter)
        {
            await d.NextAsync();
        }

        var result = await d.ResultAsync();
        var actual = result.Frames;
        Assert.That(actual.Select(f => (f.Type, f.Flags)), Is.EqualTo(expected.Select(f => (f.Type, f.Flags))), "frames; ours: " + result);
        var last = expected[^1].Type;
        Assert.That(result.Outcome, Is.EqualTo(last switch
        {
            MessageType.End => InvocationOutcome.Ended,
            MessageType.Suspension => InvocationOutcome.Suspended,
            _ => InvocationOutcome.Failed,
        }));
        for (var i = 0; i < expected.Count; i++)
        {
            var (ours, theirs) = (Normalize(actual[i].Message), Normalize(expected[i].Message));
            switch (compare)
            {
                case Compare.OutputShape when ours is OutputCommandMessage o:
                    var json = JsonNode.Parse(o.Value.Content.ToStringUtf8())!.AsObject();
                    var theirsJson = JsonNode.Parse(((OutputCommandMessage)theirs).Value.Content.ToStringUtf8())!.AsObject();
                    Assert.That(json.Select(p => p.Key), Is.EqualTo(theirsJson.Select(p => p.Key)));
                    Assert.That(json["r"]!.GetValue<double>(), Is.InRange(0.0, 1.0));
                    Assert.That(Guid.Parse(json["uuid"]!.GetValue<string>()).Version, Is.EqualTo(4));
                    continue;
                case Compare.ErrorCode when ours is ErrorMessage e:
                    Assert.That(e.Code, Is.EqualTo(((ErrorMessage)theirs).Code));
                    continue;
                case Compare.SuspensionPlusCancel when ours is SuspensionMessage s:
                    Assert.That(s.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
                    s.WaitingSignals.Clear();
                    break;
            }

            Assert.That(ours, Is.EqualTo(theirs), $"frame {i} ({actual[i].Type})");
        }
    }

    [TestCase("v7-bidi-greet-run-sleep-run", "greet")]
    [TestCase("v7-bidi-run-retry-attempt2", "retryOnce")]
    public async Task A_v7_capture_is_refused_at_its_first_v7_only_message(string vector, string handler)
    {
        // We speak V6 only (the endpoint answers 415 to a v7 content type); fed anyway, the machine must not misread it.
        var request = Vectors.Read(vector + ".req.hex");
        var frames = Boundaries(request);
        Assert.That(frames.Select(f => (ushort)f.Type), Does.Contain((ushort)0x0007), "the capture holds V7 ProposeRunCompletionAck frames");
        var start = StartMessage.Parser.ParseFrom(request.AsSpan(8, frames[0].End - 8));
        var known = 1 + (int)start.KnownEntries;
        Assert.That(frames.Take(known).Select(f => (ushort)f.Type), Has.None.EqualTo((ushort)0x0007));
        await using var d = await BidiDriver.StartAsync(GoldenServices.Greeter, handler, request.AsMemory(0, frames[known - 1].End));
        OutputFrame next;
        do
        {
            next = await d.NextAsync();
        }
        while (next.Type != MessageType.ProposeRunCompletion);

        Assert.That(next.Flags, Is.Zero, "V6 proposals never request an ack");
        await d.SendAsync(request.AsMemory(frames[known - 1].End));
        var error = (await d.NextAsync(MessageType.Error)).As<ErrorMessage>();
        Assert.That(error.Code, Is.EqualTo(571));
        Assert.That(error.Message, Does.Contain("0x0007"));
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Failed));
    }

    [Test]
    public void Every_invocation_vector_is_covered()
    {
        var covered = typeof(GoldenVectorTests).GetMethods()
            .SelectMany(m => m.GetCustomAttributes(typeof(TestCaseAttribute), false).Cast<TestCaseAttribute>())
            .Select(a => (string)a.Arguments[0]!)
            .ToHashSet();
        var all = Vectors.Files("*.req.hex").Select(f => f[..^".req.hex".Length]).Where(v => v != "v6-discover");
        Assert.That(all.Where(v => !covered.Contains(v)), Is.Empty, "v6-discover is a discovery exchange, not an invocation");
    }

    private static List<(OutputFrame Frame, int Start, int End)> Split(byte[] bytes)
    {
        var list = new List<(OutputFrame, int, int)>();
        var offset = 0;
        foreach (var f in Wire.Decode(bytes))
        {
            var length = 8 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 4));
            list.Add((f, offset, offset + length));
            offset += length;
        }

        return list;
    }

    /// <summary>Frame boundaries from the headers alone (decodes nothing, so it also splits V7 captures).</summary>
    private static List<(MessageType Type, int Start, int End)> Boundaries(byte[] bytes)
    {
        var list = new List<(MessageType, int, int)>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var header = FrameHeader.Read(bytes.AsSpan(offset));
            var end = offset + FrameHeader.Size + (int)header.Length;
            list.Add((header.Type, offset, end));
            offset = end;
        }

        return list;
    }

    private static List<int> FrameEnds(byte[] bytes) => Split(bytes).Select(f => f.End).ToList();

    /// <summary>For each request frame: its bytes and how many response frames the captured SDK had sent before it arrived.</summary>
    private static (List<(byte[] Bytes, int After)> Frames, int CloseAfter) Schedule(byte[] request, List<int> expectedEnds, string vector)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors.Directory, vector + ".meta.json")));
        var timeline = meta.RootElement.GetProperty("timeline_ms").EnumerateArray().ToList();
        var frames = Split(request);
        var result = new List<(byte[], int)>();
        long serverOffset = 0, sdkBytes = 0;
        var next = 0;
        var closeAfter = expectedEnds.Count;
        foreach (var e in timeline)
        {
            var toSdk = e.GetProperty("dir").GetString() == "server->sdk";
            var length = e.GetProperty("bytes").ValueKind == JsonValueKind.Number ? e.GetProperty("bytes").GetInt64() : 0;
            var sentFrames = expectedEnds.Count(end => end <= sdkBytes);
            if (!toSdk)
            {
                sdkBytes += length;
                continue;
            }

            if (e.GetProperty("end").GetBoolean())
            {
                closeAfter = sentFrames;
                continue;
            }

            serverOffset += length;
            while (next < frames.Count && frames[next].Start < serverOffset)
            {
                result.Add((request[frames[next].Start..frames[next].End], sentFrames));
                next++;
            }
        }

        Assert.That(next, Is.EqualTo(frames.Count), "the timeline covers every request frame");
        return (result, closeAfter);
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
}
