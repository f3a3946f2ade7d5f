using DurableAgents.Hosting;
using DurableAgents.Hosting.Edge;

namespace DurableAgents.Tests.EdgeHardening;

/// <summary>The guard's meter, fed bytes directly: frame boundaries found across any split, and each limit.</summary>
public sealed class Http2FrameMeterTests
{
    private static byte[] Frames(params byte[][] frames) => [.. RawHttp2Client.Preface, .. frames.SelectMany(f => f)];

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(4096)]
    public void Frames_are_counted_whatever_the_read_sizes(int chunk)
    {
        var bytes = Frames(
            RawHttp2Client.FrameBytes(RawHttp2Client.Settings, 0, 0, []),
            RawHttp2Client.FrameBytes(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, 1, new byte[300]),
            RawHttp2Client.FrameBytes(RawHttp2Client.Data, RawHttp2Client.EndStream, 1, new byte[20_000]));
        var meter = new Http2FrameMeter(new RestateKestrelOptions(), 0);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            Assert.That(meter.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), 1), Is.True, meter.Violation);
        }

        Assert.That(meter.Frames, Is.EqualTo(3));
        Assert.That(meter.Deadline, Is.Null, "a complete HEADERS ends the handshake deadline");
    }

    [Test]
    public void The_CONTINUATION_frame_past_the_limit_is_a_violation()
    {
        var options = new RestateKestrelOptions { MaxContinuationFrames = 3 };
        var meter = new Http2FrameMeter(options, 0);
        var continuation = RawHttp2Client.FrameBytes(RawHttp2Client.Continuation, 0, 1, [0]);
        Assert.That(meter.Feed(Frames(RawHttp2Client.FrameBytes(RawHttp2Client.Headers, 0, 1, [0]), continuation, continuation, continuation), 1), Is.True);
        Assert.That(meter.Feed(continuation, 2), Is.False);
        Assert.That(meter.Violation, Does.Contain("CONTINUATION"));
    }

    [Test]
    public void RST_STREAM_past_the_budget_is_a_violation_and_the_budget_refills()
    {
        var options = new RestateKestrelOptions { RstStreamBurst = 10, RstStreamsPerSecond = 10 };
        var meter = new Http2FrameMeter(options, 0);
        var rst = RawHttp2Client.FrameBytes(RawHttp2Client.RstStream, 0, 1, new byte[4]);
        Assert.That(meter.Feed(Frames(RawHttp2Client.FrameBytes(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, 1, [0])), 0), Is.True);
        for (var i = 0; i < 10; i++)
        {
            Assert.That(meter.Feed(rst, 0), Is.True, $"reset {i}");
        }

        Assert.That(meter.Feed(rst, 1000), Is.True, "one second refilled ten tokens");
        var fresh = new Http2FrameMeter(options, 0);
        fresh.Feed(Frames(), 0);
        for (var i = 0; i < 10; i++)
        {
            fresh.Feed(rst, 0);
        }

        Assert.That(fresh.Feed(rst, 0), Is.False);
        Assert.That(fresh.Violation, Does.Contain("rapid reset"));
    }

    [Test]
    public void Header_deadlines_and_non_HTTP2_bytes()
    {
        var meter = new Http2FrameMeter(new RestateKestrelOptions(), 0);
        Assert.That(meter.Feed("PRI * HT"u8, 5), Is.True);
        Assert.That(meter.CheckDeadline(9_999), Is.False);
        Assert.That(meter.CheckDeadline(10_000), Is.True);
        Assert.That(meter.IsTimeout, Is.True);

        var http1 = new Http2FrameMeter(new RestateKestrelOptions(), 0);
        Assert.That(http1.Feed("GET / HTTP/1.1\r\n"u8, 0), Is.True);
        Assert.That(http1.IsPassThrough, Is.True);
        Assert.That(http1.CheckDeadline(100_000), Is.False, "HTTP/1.1 is left to Kestrel's RequestHeadersTimeout");
    }
}
