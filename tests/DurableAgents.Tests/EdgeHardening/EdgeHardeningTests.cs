using System.Buffers;
using System.Diagnostics;
using DurableAgents.Hosting;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;

namespace DurableAgents.Tests.EdgeHardening;

/// <summary>
/// Known HTTP/2 attacks against a real service process on Kestrel with the SDK's default limits
/// (<see cref="RestateKestrelOptions"/>, the HTTP/2 connection guard). Each test states its bound: the connection is
/// closed (or sent GOAWAY, or the stream refused) within a stated time, the service's RSS and thread count stay under
/// stated bounds, and the next legitimate invocation (an h2c <c>POST /invoke</c> with a Start+Input journal) gets a 200
/// with an End. Bounds are generous: the machine is shared and loaded. The measured outcome of each attack is written
/// to the test output (docs/performance-tuning.md has a table of them).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("EdgeHardening")]
public sealed class EdgeHardeningTests
{
    /// <summary>Most RSS an attack may add over the service's warmed-up baseline.</summary>
    private const double MaxRssGrowthMiB = 200;

    /// <summary>Most threads an attack may add over the baseline (the thread pool grows a little under load).</summary>
    private const int MaxThreadGrowth = 40;

    /// <summary>The guard's header deadline is 10 s (RestateKestrelOptions.RequestHeadersTimeout); the bound allows 10 s of lateness.</summary>
    private static readonly TimeSpan HeaderDeadlineBound = TimeSpan.FromSeconds(20);

    private EdgeServiceProcess _service = null!;
    private double _baselineRss;
    private int _baselineThreads;

    private int Port => _service.Port;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _service = new EdgeServiceProcess();
        await _service.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            await LegitimateInvocation.EchoAsync(Port, $"\"warm-up {i}\"");
        }

        await Task.Delay(500);
        (_baselineRss, _baselineThreads) = _service.Sample();
        TestContext.Out.WriteLine($"baseline: RSS {_baselineRss:F0} MiB, {_baselineThreads} threads");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    [CancelAfter(60_000)]
    public async Task Rapid_reset_is_ended_by_the_reset_budget()
    {
        const int pairs = 20_000;
        await using var attacker = await RawHttp2Client.ConnectAsync(Port);
        var block = RawHttp2Client.RequestBlock("POST", "/invoke/Edge/echo", RestateEndpoint.InvocationContentTypeV6);
        var rst = RawHttp2Client.RstStreamPayload(RawHttp2Client.Cancel);
        var sent = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            while (sent < pairs)
            {
                var batch = new List<byte>();
                for (var i = 0; i < 250 && sent < pairs; i++, sent++)
                {
                    var stream = (sent * 2) + 1;
                    batch.AddRange(RawHttp2Client.FrameBytes(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, stream, block));
                    batch.AddRange(RawHttp2Client.FrameBytes(RawHttp2Client.RstStream, 0, stream, rst));
                }

                await attacker.WriteAsync(batch.ToArray());
            }
        }
        catch (IOException)
        {
        }

        var ended = await attacker.EndsWithinAsync(TimeSpan.FromSeconds(10));
        Report($"rapid reset: wrote {sent} of {pairs} HEADERS+RST_STREAM pairs in {clock.ElapsedMilliseconds} ms; connection ended: {ended} at {attacker.Elapsed.TotalMilliseconds:F0} ms (GOAWAY {attacker.GoAwayError?.ToString() ?? "none"})");
        Assert.That(ended, Is.True, "the connection survived 20,000 HEADERS+RST_STREAM pairs");
        await AssertServiceHealthyAsync("rapid reset");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task CONTINUATION_flood_without_END_HEADERS_is_closed()
    {
        await using var attacker = await RawHttp2Client.ConnectAsync(Port);
        var block = RawHttp2Client.RequestBlock("POST", "/invoke/Edge/echo", RestateEndpoint.InvocationContentTypeV6);
        await attacker.SendFrameAsync(RawHttp2Client.Headers, 0, 1, block); // no END_HEADERS
        var empty = RawHttp2Client.FrameBytes(RawHttp2Client.Continuation, 0, 1, []);
        var batch = Enumerable.Repeat(empty, 1000).SelectMany(f => f).ToArray();
        var sent = 0;
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                await attacker.WriteAsync(batch);
                sent += 1000;
            }
        }
        catch (IOException)
        {
        }

        var ended = await attacker.EndsWithinAsync(TimeSpan.FromSeconds(5));
        Report($"CONTINUATION flood: wrote {sent} empty CONTINUATION frames; connection ended: {ended} at {attacker.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(ended, Is.True, "the connection survived a CONTINUATION flood");
        Assert.That(sent, Is.LessThan(1_000_000), "all million CONTINUATION frames were accepted");
        await AssertServiceHealthyAsync("CONTINUATION flood");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task An_oversized_header_list_is_refused()
    {
        await using var attacker = await RawHttp2Client.ConnectAsync(Port);
        var block = RawHttp2Client.RequestBlock("POST", "/invoke/Edge/echo", RestateEndpoint.InvocationContentTypeV6, ("x-big", new string('a', 64 * 1024)));
        // Kestrel may refuse after the first frame and reset the connection while the CONTINUATION frames are still
        // being written: a failed write is the connection closing on us, which is a refusal too.
        var writeFailed = false;
        try
        {
            await SendHeaderBlockAsync(attacker, 1, block);
        }
        catch (IOException)
        {
            writeFailed = true;
        }

        var refusal = await attacker.NextFrameAsync(f => f.Type is RawHttp2Client.GoAway or RawHttp2Client.RstStream or RawHttp2Client.Headers, TimeSpan.FromSeconds(5));
        var ended = refusal is null or { Type: RawHttp2Client.GoAway } && await attacker.EndsWithinAsync(TimeSpan.FromSeconds(5));
        Report($"64 KiB header field: {Describe(refusal)}{(writeFailed ? " (the server reset the connection during the send)" : "")}, connection ended: {ended} at {attacker.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(refusal is not null || ended, Is.True, "no GOAWAY, RST_STREAM, response or close within 5 s");
        if (refusal?.Type == RawHttp2Client.Headers)
        {
            Assert.That(refusal.Payload[0], Is.Not.EqualTo(0x88), "the oversized request got a 200");
        }
        else
        {
            Assert.That(ended || refusal?.Type == RawHttp2Client.RstStream, Is.True, "a GOAWAY that did not end the connection");
        }

        await AssertServiceHealthyAsync("oversized header list");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task An_HPACK_dynamic_table_bomb_is_refused()
    {
        // One 4,000-byte entry in the dynamic table, then 4,000 one-byte references to it: 16 MB of decoded headers.
        await using var attacker = await RawHttp2Client.ConnectAsync(Port);
        var block = RawHttp2Client.RequestBlock("POST", "/invoke/Edge/echo", RestateEndpoint.InvocationContentTypeV6).ToList();
        RawHttp2Client.Literal(block, "x-bomb", new string('b', 4000), index: true);
        for (var i = 0; i < 4000; i++)
        {
            RawHttp2Client.Indexed(block, 62);
        }

        await SendHeaderBlockAsync(attacker, 1, [.. block]);
        var refusal = await attacker.NextFrameAsync(f => f.Type is RawHttp2Client.GoAway or RawHttp2Client.RstStream or RawHttp2Client.Headers, TimeSpan.FromSeconds(5));
        Report($"HPACK bomb (16 MB decoded from 8 KB): {Describe(refusal)} at {attacker.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(refusal, Is.Not.Null, "no GOAWAY, RST_STREAM or response within 5 s");
        Assert.That(refusal!.Type == RawHttp2Client.Headers && refusal.Payload[0] == 0x88, Is.False, "the bomb got a 200");
        await AssertServiceHealthyAsync("HPACK bomb");
    }

    [TestCase("SETTINGS")]
    [TestCase("PING")]
    [CancelAfter(60_000)]
    public async Task A_control_frame_flood_without_reading_the_replies_is_bounded(string kind)
    {
        // Never read: the server's ACKs pile up in our receive buffer and then in its send path, so it must stop reading
        // (TCP backpressure) or close, not buffer without end.
        await using var attacker = await RawHttp2Client.ConnectAsync(Port, read: false);
        var frame = kind == "SETTINGS"
            ? RawHttp2Client.FrameBytes(RawHttp2Client.Settings, 0, 0, [])
            : RawHttp2Client.FrameBytes(RawHttp2Client.Ping, 0, 0, new byte[8]);
        var batch = Enumerable.Repeat(frame, 1000).SelectMany(f => f).ToArray();
        long frames = 0;
        string outcome;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(8)))
        {
            try
            {
                while (frames < 2_000_000)
                {
                    await attacker.WriteAsync(batch, cts.Token);
                    frames += 1000;
                }

                outcome = "all frames accepted";
            }
            catch (OperationCanceledException)
            {
                outcome = "the service stopped reading (our writes blocked)";
            }
            catch (IOException)
            {
                outcome = "the connection was closed";
            }
        }

        var sample = _service.Sample();
        Report($"{kind} flood, replies unread: {outcome} after {frames} frames ({frames * frame.Length / 1024} KiB) in {attacker.Elapsed.TotalMilliseconds:F0} ms; service RSS {sample.RssMiB:F0} MiB, {sample.Threads} threads");
        Assert.That(outcome, Is.Not.EqualTo("all frames accepted"), "two million control frames were read without their replies being read");
        await AssertServiceHealthyAsync(kind + " flood");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_partial_preface_then_silence_is_closed()
    {
        await using var attacker = await RawHttp2Client.OpenAsync(Port);
        await attacker.WriteAsync("PRI * HT"u8.ToArray());
        var ended = await attacker.EndsWithinAsync(HeaderDeadlineBound);
        Report($"partial preface then silence: closed: {ended} at {attacker.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(ended, Is.True, $"a connection that sent 8 bytes of the preface was still open after {HeaderDeadlineBound.TotalSeconds} s");
        await AssertServiceHealthyAsync("partial preface");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_slowloris_header_block_is_closed()
    {
        // 20 connections, each trickling one header block: one byte every 2 s in CONTINUATION frames.
        var attackers = new List<RawHttp2Client>();
        for (var i = 0; i < 20; i++)
        {
            attackers.Add(await RawHttp2Client.ConnectAsync(Port));
        }

        var block = RawHttp2Client.RequestBlock("POST", "/invoke/Edge/echo", RestateEndpoint.InvocationContentTypeV6);
        var trickles = attackers.Select(a => Task.Run(async () =>
        {
            try
            {
                await a.SendFrameAsync(RawHttp2Client.Headers, 0, 1, block.AsSpan(0, 1));
                for (var b = 1; b < block.Length - 1 && !a.Closed.IsCompleted; b++)
                {
                    await Task.Delay(2000);
                    await a.SendFrameAsync(RawHttp2Client.Continuation, 0, 1, block.AsSpan(b, 1));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // closed by the service, or disposed by the test once it saw the close
            }
        })).ToList();

        var ended = await Task.WhenAll(attackers.Select(a => a.EndsWithinAsync(HeaderDeadlineBound)));
        var times = attackers.Where(a => a.Closed.IsCompleted).Select(a => a.Closed.Result.TotalMilliseconds).DefaultIfEmpty(0).ToArray();
        Report($"slowloris, 20 connections trickling a header block at 1 byte / 2 s: {ended.Count(e => e)} closed, after {times.Min():F0}-{times.Max():F0} ms");
        Assert.That(ended.Count(e => e), Is.EqualTo(20), $"connections still open after {HeaderDeadlineBound.TotalSeconds} s");
        foreach (var a in attackers)
        {
            await a.DisposeAsync();
        }

        await Task.WhenAll(trickles);
        await AssertServiceHealthyAsync("slowloris");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Two_hundred_idle_connections_hold_no_thread_each_and_are_closed()
    {
        var idle = new List<RawHttp2Client>();
        for (var i = 0; i < 200; i++)
        {
            idle.Add(await RawHttp2Client.ConnectAsync(Port));
        }

        await Task.Delay(2000);
        var held = _service.Sample();
        await LegitimateInvocation.EchoAsync(Port, "\"while 200 connections idle\"");
        var ended = await Task.WhenAll(idle.Select(c => c.EndsWithinAsync(HeaderDeadlineBound)));
        var times = idle.Where(a => a.Closed.IsCompleted).Select(a => a.Closed.Result.TotalMilliseconds).DefaultIfEmpty(0).ToArray();
        Report($"200 idle h2c connections: service {held.Threads} threads ({held.Threads - _baselineThreads:+0;-0} over baseline), RSS {held.RssMiB:F0} MiB while held; {ended.Count(e => e)} closed after {times.Min():F0}-{times.Max():F0} ms");
        Assert.That(held.Threads - _baselineThreads, Is.LessThan(MaxThreadGrowth), "idle connections hold threads");
        Assert.That(ended.Count(e => e), Is.EqualTo(200), $"idle connections still open after {HeaderDeadlineBound.TotalSeconds} s");
        foreach (var c in idle)
        {
            await c.DisposeAsync();
        }

        await AssertServiceHealthyAsync("200 idle connections");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Streams_past_SETTINGS_MAX_CONCURRENT_STREAMS_are_refused()
    {
        await using var attacker = await RawHttp2Client.ConnectAsync(Port);
        var max = (int)attacker.ServerSettings[RawHttp2Client.SettingsMaxConcurrentStreams];
        var extra = 64;
        var block = RawHttp2Client.RequestBlock("POST", "/invoke/Edge/hold", RestateEndpoint.InvocationContentTypeV6);
        var journal = new JournalBuilder().Input("\"held\"").Build();
        var bytes = new List<byte>();
        for (var i = 0; i < max + extra; i++)
        {
            var stream = (i * 2) + 1;
            bytes.AddRange(RawHttp2Client.FrameBytes(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, stream, block));
            bytes.AddRange(RawHttp2Client.FrameBytes(RawHttp2Client.Data, 0, stream, journal)); // no END_STREAM: the invocation stays open
        }

        await attacker.WriteAsync(bytes.ToArray());
        var refused = 0;
        var clock = Stopwatch.StartNew();
        while (refused < extra && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var frame = await attacker.NextFrameAsync(f => f.Type is RawHttp2Client.RstStream or RawHttp2Client.GoAway, TimeSpan.FromSeconds(15) - clock.Elapsed);
            if (frame is null || frame.Type == RawHttp2Client.GoAway)
            {
                break;
            }

            refused += System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) == RawHttp2Client.RefusedStream ? 1 : 0;
        }

        var sample = _service.Sample();
        Report($"{max + extra} streams against SETTINGS_MAX_CONCURRENT_STREAMS {max}: {refused} REFUSED_STREAM within {clock.ElapsedMilliseconds} ms, GOAWAY {attacker.GoAwayError?.ToString() ?? "none"}; service RSS {sample.RssMiB:F0} MiB, {sample.Threads} threads with {max} invocations open");
        Assert.That(refused >= extra || attacker.GoAwayError is not null, Is.True, $"only {refused} of the {extra} streams past the limit were refused");
        await AssertServiceHealthyAsync("streams past the limit");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_body_far_over_the_window_is_stopped_by_flow_control()
    {
        // Edge/hold runs 60 s without touching its journal. After the Start+Input journal the client announces a 30 MiB
        // message (under the 32 MiB message limit) and sends 16 MiB of it at once, ignoring the 1 MiB stream and 4 MiB
        // connection windows. Kestrel credits a stream's window for the bytes the application has examined, and the
        // transport examines everything it receives to find the end of the message. So there are two bounded outcomes,
        // depending on who is faster: Kestrel sees the peer overrun a window and ends the connection with
        // FLOW_CONTROL_ERROR, or the transport kept the window open as fast as the bytes came, in which case every byte
        // the service accepted must have been credited by a WINDOW_UPDATE first (the peer never actually overran the
        // window the server enforces) and the message limit bounds what is buffered. Anything else fails.
        await using var attacker = await RawHttp2Client.ConnectAsync(Port);
        var journal = new JournalBuilder().Input("\"held\"").Build();
        await attacker.SendFrameAsync(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, 1,
            RawHttp2Client.RequestBlock("POST", "/invoke/Edge/hold", RestateEndpoint.InvocationContentTypeV6));
        await attacker.SendFrameAsync(RawHttp2Client.Data, 0, 1, journal);
        var announce = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(announce, (ushort)MessageType.SignalNotification);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(announce.AsSpan(4), 30 * 1024 * 1024);
        await attacker.SendFrameAsync(RawHttp2Client.Data, 0, 1, announce);

        const int chunkSize = 16 * 1024;
        var chunk = RawHttp2Client.FrameBytes(RawHttp2Client.Data, 0, 1, new byte[chunkSize]);
        var batch = Enumerable.Repeat(chunk, 64).SelectMany(f => f).ToArray(); // 1 MiB of DATA
        long sentMiB = 0;
        var outcome = "all 16 MiB written";
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                for (; sentMiB < 16; sentMiB++)
                {
                    await attacker.WriteAsync(batch, cts.Token);
                }
            }
            catch (OperationCanceledException)
            {
                outcome = "writes blocked";
            }
            catch (IOException)
            {
                outcome = "connection closed while writing";
            }
        }

        var reply = await attacker.NextFrameAsync(f => f.Type is RawHttp2Client.GoAway or RawHttp2Client.RstStream, TimeSpan.FromSeconds(5));
        var sample = _service.Sample();
        long sent = journal.Length + announce.Length + sentMiB * 64 * chunkSize;
        var streamWindow = attacker.ServerSettings.TryGetValue(RawHttp2Client.SettingsInitialWindowSize, out var w) ? w : 65_535L;
        var streamAllowance = streamWindow + attacker.WindowCredit(1);
        var connectionAllowance = 65_535L + attacker.WindowCredit(0);
        Report($"16 MiB body over a 1 MiB stream window: {outcome} after {sentMiB} MiB; {Describe(reply)} at {attacker.Elapsed.TotalMilliseconds:F0} ms; " +
            $"{sent >> 10} KiB sent, windows granted: stream {streamAllowance >> 10} KiB, connection {connectionAllowance >> 10} KiB; service RSS {sample.RssMiB:F0} MiB");
        if (reply is not null)
        {
            var code = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(reply.Payload.AsSpan(reply.Type == RawHttp2Client.GoAway ? 4 : 0));
            Assert.That(code, Is.EqualTo(RawHttp2Client.FlowControlError), $"the overrun was answered with {Describe(reply)}, not FLOW_CONTROL_ERROR");
        }
        else if (outcome == "all 16 MiB written")
        {
            Assert.That(streamAllowance, Is.GreaterThanOrEqualTo(sent), "the service accepted stream bytes beyond the window it granted, without FLOW_CONTROL_ERROR");
            Assert.That(connectionAllowance, Is.GreaterThanOrEqualTo(sent), "the service accepted connection bytes beyond the window it granted, without FLOW_CONTROL_ERROR");
        }
        else
        {
            Assert.That(outcome, Is.EqualTo("writes blocked"), "the connection closed without a GOAWAY or RST_STREAM");
        }

        await AssertServiceHealthyAsync("body over the window");
    }

    private async Task AssertServiceHealthyAsync(string attack)
    {
        Assert.That(_service.HasExited, Is.False, "the service died: " + _service.Output);
        await LegitimateInvocation.EchoAsync(Port, "\"after " + attack + "\"");
        var (rss, threads) = _service.Sample();
        Report($"  after {attack}: RSS {rss:F0} MiB ({rss - _baselineRss:+0;-0} over baseline), {threads} threads ({threads - _baselineThreads:+0;-0}); next invocation: 200 with End");
        Assert.That(rss - _baselineRss, Is.LessThan(MaxRssGrowthMiB), $"RSS grew by {rss - _baselineRss:F0} MiB");
        Assert.That(threads - _baselineThreads, Is.LessThan(MaxThreadGrowth), $"threads grew by {threads - _baselineThreads}");
    }

    private static async Task SendHeaderBlockAsync(RawHttp2Client client, int stream, byte[] block)
    {
        const int frameSize = 16 * 1024;
        for (var offset = 0; offset < block.Length; offset += frameSize)
        {
            var n = Math.Min(frameSize, block.Length - offset);
            var last = offset + n >= block.Length;
            await client.SendFrameAsync(offset == 0 ? RawHttp2Client.Headers : RawHttp2Client.Continuation,
                (byte)((last ? RawHttp2Client.EndHeaders : 0) | (offset == 0 ? RawHttp2Client.EndStream : 0)), stream, block.AsSpan(offset, n));
        }
    }

    private static string Describe(RawHttp2Client.Frame? frame) => frame switch
    {
        null => "no reply",
        { Type: RawHttp2Client.GoAway } => $"GOAWAY error {System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4))}",
        { Type: RawHttp2Client.RstStream } => $"RST_STREAM error {System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload)}",
        { Type: RawHttp2Client.Headers } => $"response HEADERS (first byte 0x{frame.Payload[0]:x2})",
        _ => $"frame type {frame.Type}",
    };

    private static void Report(string line) => TestContext.Out.WriteLine(line);
}
