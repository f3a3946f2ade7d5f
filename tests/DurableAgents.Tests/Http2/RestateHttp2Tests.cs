using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DurableAgents.Hosting;
using DurableAgents.Hosting.Http2;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Tests.Http2;

/// <summary>
/// DurableAgents' own HTTP/2 layer (<see cref="RestateListenOptionsExtensions.UseRestateHttp2"/>) spoken to by an
/// independent client (.NET's SocketsHttpHandler) and by raw frames, for the parts a well-behaved client never
/// exercises: tiny flow-control windows, PING, protocol errors, resets. The end-to-end suites run every invocation
/// through this layer too (RestateHost uses it). Each test runs on both transports under the layer: h2c connections on
/// reader threads of their own (<see cref="RestateWebHostBuilderExtensions.UseRestateTransport"/>, RestateHost's
/// default) and on Kestrel's socket transport.
/// </summary>
[TestFixture("reader-threads")]
[TestFixture("kestrel-transport")]
public sealed class RestateHttp2Tests(string transport)
{
    private static readonly string LongText = new('x', 300);

    private readonly bool _readerThreads = transport == "reader-threads";
    private readonly TaskCompletionSource _spinning = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(bool Cancelled, TimeSpan Waited, string? Thread)> _observed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebApplication? _app;
    private int _port;

    private WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (_readerThreads)
        {
            builder.WebHost.UseRestateTransport();
        }

        return builder;
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = CreateBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.UseRestateHttp2();
        }));
        builder.Services.AddRestate(o => o.Bind(TestServices.Service("H2",
            TestServices.Handler<string, string>("echo", (_, s) => Task.FromResult(s)),
            TestServices.Handler<string, string>("long", (_, _) => Task.FromResult(LongText)),
            TestServices.Handler<string, string>("spin", async (ctx, _) =>
            {
                await ctx.RunAsync("first", _ => Task.FromResult(1));
                return await ctx.RunAsync("spin", ct =>
                {
                    _spinning.TrySetResult();
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    while (!ct.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        Thread.SpinWait(1000); // synchronous work: never yields its thread
                    }

                    _observed.TrySetResult((ct.IsCancellationRequested, clock.Elapsed, Thread.CurrentThread.Name));
                    return Task.FromResult("done");
                });
            }))));
        var app = builder.Build();
        app.MapRestate();
        await app.StartAsync();
        _port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Test]
    public async Task An_independent_HTTP2_client_gets_health_discovery_and_clear_errors()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/") };

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? accept = null)
        {
            var request = new HttpRequestMessage(method, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = content };
            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("accept", accept);
            }

            var response = await client.SendAsync(request);
            Assert.That(response.Version, Is.EqualTo(HttpVersion.Version20));
            return response;
        }

        var health = await SendAsync(HttpMethod.Get, "health");
        Assert.That((int)health.StatusCode, Is.EqualTo(200));
        Assert.That(health.Headers.Contains("server"), Is.False, "Kestrel's HTTP/2 (which sends 'server: Kestrel') answered instead of the layer");
        Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("OK"));

        var discovery = await SendAsync(HttpMethod.Get, "discover", accept: "application/vnd.restate.endpointmanifest.v3+json");
        Assert.That((int)discovery.StatusCode, Is.EqualTo(200));
        Assert.That(discovery.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/vnd.restate.endpointmanifest.v3+json"));
        Assert.That(discovery.Headers.GetValues("x-restate-server").Single(), Does.StartWith("durableagents-dotnet/"));
        var manifest = await discovery.Content.ReadAsStringAsync();
        Assert.That(manifest, Does.Contain("\"H2\"").And.Contain("BIDI_STREAM"));

        Assert.That((int)(await SendAsync(HttpMethod.Get, "discover", accept: "application/vnd.restate.endpointmanifest.v99+json")).StatusCode, Is.EqualTo(415));
        Assert.That((int)(await SendAsync(HttpMethod.Get, "nothing/here")).StatusCode, Is.EqualTo(404));
        Assert.That((int)(await SendAsync(HttpMethod.Get, "invoke/H2/echo")).StatusCode, Is.EqualTo(405));

        var missing = await SendAsync(HttpMethod.Post, "invoke/H2/missing", new ByteArrayContent([]) { Headers = { { "content-type", RestateEndpoint.InvocationContentTypeV6 } } });
        Assert.That((int)missing.StatusCode, Is.EqualTo(404));
        Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("H2/missing"));

        var wrongType = await SendAsync(HttpMethod.Post, "invoke/H2/echo", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.That((int)wrongType.StatusCode, Is.EqualTo(415));

        // A whole invocation through the same client: Start + Input in, Output + End out.
        var journal = new JournalBuilder().Input("\"hello\"").Build();
        var invoke = await SendAsync(HttpMethod.Post, "invoke/H2/echo", new ByteArrayContent(journal) { Headers = { { "content-type", RestateEndpoint.InvocationContentTypeV6 } } });
        Assert.That((int)invoke.StatusCode, Is.EqualTo(200));
        Assert.That(invoke.Content.Headers.ContentType!.ToString(), Is.EqualTo(RestateEndpoint.InvocationContentTypeV6));
        var messages = Decode(await invoke.Content.ReadAsByteArrayAsync());
        Assert.That(messages.Select(m => m.Type), Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(((OutputCommandMessage)messages[0].Message).Value.Content.ToStringUtf8(), Is.EqualTo("\"hello\""));
    }

    [Test]
    public async Task Over_TLS_with_ALPN_h2_the_layer_serves_after_UseHttps()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        var builder = CreateBuilder(); // with reader threads, the TLS connection goes through their listener to Kestrel
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.UseHttps(certificate);
            lo.UseRestateHttp2();
        }));
        builder.Services.AddRestate(o => o.Bind(TestServices.Service("Tls", TestServices.Handler<string, string>("echo", (_, s) => Task.FromResult(s)))));
        await using var app = builder.Build();
        app.MapRestate();
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") };
        var journal = new JournalBuilder().Input("\"over tls\"").Build();
        using var invoke = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "invoke/Tls/echo")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(journal) { Headers = { { "content-type", RestateEndpoint.InvocationContentTypeV6 } } },
        });
        Assert.That(invoke.Version, Is.EqualTo(HttpVersion.Version20));
        Assert.That((int)invoke.StatusCode, Is.EqualTo(200));
        Assert.That(invoke.Headers.Contains("server"), Is.False, "Kestrel's HTTP/2 (which sends 'server: Kestrel') answered instead of the layer");
        var messages = Decode(await invoke.Content.ReadAsByteArrayAsync());
        Assert.That(((OutputCommandMessage)messages[0].Message).Value.Content.ToStringUtf8(), Is.EqualTo("\"over tls\""));

        // HTTP/1.1 over the same TLS listener reaches Kestrel (and its 'server' header).
        using var h1 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "health") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        Assert.That(h1.Version, Is.EqualTo(HttpVersion.Version11));
        Assert.That(await h1.Content.ReadAsStringAsync(), Is.EqualTo("OK"));
        Assert.That(h1.Headers.Server.ToString(), Does.Contain("Kestrel"));
    }

    [Test]
    public async Task HTTP11_connections_on_the_same_listener_still_reach_Kestrel()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), DefaultRequestVersion = HttpVersion.Version11 };
        var response = await client.GetAsync("health");
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version11));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("OK"));
    }

    [Test]
    public async Task Response_data_never_exceeds_the_peers_window_and_resumes_on_WINDOW_UPDATE()
    {
        await using var h2 = await RawHttp2Client.ConnectAsync(_port, initialWindowSize: 10);
        var journal = new JournalBuilder().Input("\"go\"").Build();
        h2.SendRequest(1, "POST", "/invoke/H2/long", RestateEndpoint.InvocationContentTypeV6, journal);

        var headers = await h2.NextFrameAsync(f => f.Header.Type == Http2FrameType.Headers);
        Assert.That(headers.Header.StreamId, Is.EqualTo(1));

        // The output (300+ bytes) is larger than the window of 10: exactly 10 bytes arrive, then nothing.
        var received = new List<byte>();
        while (received.Count < 10)
        {
            var data = await h2.NextFrameAsync(f => f.Header.Type == Http2FrameType.Data);
            received.AddRange(data.Payload);
        }

        Assert.That(received, Has.Count.EqualTo(10));
        Assert.That(await h2.TryNextFrameAsync(f => f.Header.Type == Http2FrameType.Data, TimeSpan.FromMilliseconds(300)), Is.Null,
            "DATA beyond the peer's window");

        // Open the window in two steps; the rest arrives, then END_STREAM.
        h2.SendWindowUpdate(1, 100);
        while (received.Count < 110)
        {
            received.AddRange((await h2.NextFrameAsync(f => f.Header.Type == Http2FrameType.Data)).Payload);
        }

        Assert.That(received, Has.Count.EqualTo(110));
        h2.SendWindowUpdate(1, 100_000);
        while (true)
        {
            var data = await h2.NextFrameAsync(f => f.Header.Type == Http2FrameType.Data);
            received.AddRange(data.Payload);
            if (data.Header.Has(Http2Flags.EndStream))
            {
                break;
            }
        }

        var messages = Decode(received.ToArray());
        Assert.That(messages.Select(m => m.Type), Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(((OutputCommandMessage)messages[0].Message).Value.Content.ToStringUtf8(), Is.EqualTo($"\"{LongText}\""));
    }

    [Test]
    public async Task PING_is_answered_and_a_protocol_error_ends_only_that_connection()
    {
        await using (var h2 = await RawHttp2Client.ConnectAsync(_port))
        {
            byte[] opaque = [1, 2, 3, 4, 5, 6, 7, 8];
            h2.SendFrame(Http2FrameType.Ping, 0, 0, opaque);
            var ack = await h2.NextFrameAsync(f => f.Header.Type == Http2FrameType.Ping);
            Assert.That(ack.Header.Has(Http2Flags.Ack), Is.True);
            Assert.That(ack.Payload, Is.EqualTo(opaque));

            // DATA on stream 0 is a connection error: GOAWAY(PROTOCOL_ERROR), then the connection closes.
            h2.SendFrame(Http2FrameType.Data, 0, 0, [1, 2, 3]);
            var goAway = await h2.NextFrameAsync(f => f.Header.Type == Http2FrameType.GoAway);
            Assert.That((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(goAway.Payload.AsSpan(4)), Is.EqualTo(Http2ErrorCode.ProtocolError));
            Assert.That(await h2.ReadToEndAsync(), Is.True, "the connection was not closed after GOAWAY");
        }

        // The endpoint serves the next connection.
        await using var next = await RawHttp2Client.ConnectAsync(_port);
        next.SendRequest(1, "GET", "/health", null, null);
        var response = await next.NextFrameAsync(f => f.Header.Type == Http2FrameType.Data && f.Header.Has(Http2Flags.EndStream));
        Assert.That(Encoding.UTF8.GetString(response.Payload), Is.EqualTo("OK"));
    }

    [Test]
    public async Task A_reset_stream_ends_its_invocation_and_the_connection_serves_the_next_one()
    {
        await using var h2 = await RawHttp2Client.ConnectAsync(_port);

        // Stream 1: headers and a partial journal (no END_STREAM), then RST_STREAM(CANCEL).
        var journal = new JournalBuilder().Input("\"first\"").Build();
        h2.SendRequest(1, "POST", "/invoke/H2/echo", RestateEndpoint.InvocationContentTypeV6, journal[..5], endStream: false);
        h2.SendFrame(Http2FrameType.RstStream, 0, 1, [0, 0, 0, (byte)Http2ErrorCode.Cancel]);

        // Stream 3 on the same connection completes normally.
        h2.SendRequest(3, "POST", "/invoke/H2/echo", RestateEndpoint.InvocationContentTypeV6, new JournalBuilder().Input("\"second\"").Build());
        var body = new List<byte>();
        while (true)
        {
            var frame = await h2.NextFrameAsync(f => f.Header.StreamId == 3 && f.Header.Type == Http2FrameType.Data);
            body.AddRange(frame.Payload);
            if (frame.Header.Has(Http2Flags.EndStream))
            {
                break;
            }
        }

        var messages = Decode(body.ToArray());
        Assert.That(((OutputCommandMessage)messages[0].Message).Value.Content.ToStringUtf8(), Is.EqualTo("\"second\""));
        Assert.That(h2.Seen.Any(f => f.Header.StreamId == 1 && f.Header.Type == Http2FrameType.Data), Is.False,
            "the reset stream produced output");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Handler_code_running_on_the_receiving_thread_does_not_stop_the_connection_from_reading()
    {
        // The first step's completion arrives on the connection, so the handler resumes from the read loop; its second
        // closure then computes synchronously until its token fires. The CANCEL signal that arrives meanwhile must
        // still be read and delivered.
        await using var h2 = await RawHttp2Client.ConnectAsync(_port);
        var start = new JournalBuilder().Input("\"x\"").Build();
        h2.SendRequest(1, "POST", "/invoke/H2/spin", RestateEndpoint.InvocationContentTypeV6, start, endStream: false);
        var output = new List<byte>();
        while (!Decode(output.ToArray(), allowPartial: true).Any(m => m.Type == MessageType.ProposeRunCompletion))
        {
            output.AddRange((await h2.NextFrameAsync(f => f.Header.StreamId == 1 && f.Header.Type == Http2FrameType.Data)).Payload);
        }

        h2.SendFrame(Http2FrameType.Data, 0, 1, Encode(MessageType.RunCompletion,
            new NotificationTemplate { CompletionId = 1, Value = new Value { Content = Google.Protobuf.ByteString.CopyFromUtf8("1") } }));
        await _spinning.Task.WaitAsync(TimeSpan.FromSeconds(15));
        h2.SendFrame(Http2FrameType.Data, 0, 1, Encode(MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() }));

        var (cancelled, waited, thread) = await _observed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(cancelled, Is.True, $"the closure spun {waited.TotalMilliseconds:F0} ms without seeing the CANCEL signal");
        Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(5)));
        if (_readerThreads)
        {
            // The step resumed on the connection's reader thread and held it; the watchdog moved reading to a new
            // thread, which read the CANCEL signal.
            Assert.That(thread, Is.EqualTo("Restate h2c"), "the handler step did not resume on the connection's reader thread");
        }
        else
        {
            Assert.That(thread, Is.Not.EqualTo("Restate h2c"));
        }
        h2.SendFrame(Http2FrameType.Data, Http2Flags.EndStream, 1, []);
    }

    private static byte[] Encode(MessageType type, Google.Protobuf.IMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(buffer, type, message);
        return buffer.WrittenSpan.ToArray();
    }

    private static List<(MessageType Type, Google.Protobuf.IMessage Message)> Decode(byte[] body, bool allowPartial = false)
    {
        var result = new List<(MessageType, Google.Protobuf.IMessage)>();
        var sequence = new ReadOnlySequence<byte>(body);
        while (FrameCodec.TryReadFrame(ref sequence, out var header, out var payload))
        {
            result.Add((header.Type, FrameCodec.Decode(header.Type, payload)));
        }

        if (!allowPartial)
        {
            Assert.That(sequence.Length, Is.Zero, "trailing bytes after the last frame");
        }

        return result;
    }

    private sealed record Frame(Http2FrameHeader Header, byte[] Payload);

    /// <summary>A minimal HTTP/2 client over a socket: writes frames, reads and remembers every frame it receives.</summary>
    private sealed class RawHttp2Client : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;

        private RawHttp2Client(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public List<Frame> Seen { get; } = [];

        public static async Task<RawHttp2Client> ConnectAsync(int port, int? initialWindowSize = null)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var client = new RawHttp2Client(tcp);
            client.Write(Http2FrameHeader.ClientPreface);
            var settings = new byte[initialWindowSize is null ? 0 : 6];
            if (initialWindowSize is { } window)
            {
                BinaryPrimitives.WriteUInt16BigEndian(settings, Http2Settings.InitialWindowSize);
                BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), (uint)window);
            }

            client.SendFrame(Http2FrameType.Settings, 0, 0, settings);
            var serverSettings = await client.NextFrameAsync(f => f.Header.Type == Http2FrameType.Settings && !f.Header.Has(Http2Flags.Ack));
            Assert.That(serverSettings.Payload.Length % 6, Is.Zero);
            client.SendFrame(Http2FrameType.Settings, Http2Flags.Ack, 0, []);
            await client.NextFrameAsync(f => f.Header.Type == Http2FrameType.Settings && f.Header.Has(Http2Flags.Ack));
            return client;
        }

        public void SendFrame(Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Http2FrameHeader.WriteFrame(buffer, type, flags, streamId, payload);
            Write(buffer.WrittenSpan);
        }

        public void SendWindowUpdate(int streamId, int increment)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Http2FrameHeader.WriteWindowUpdate(buffer, streamId, increment);
            Write(buffer.WrittenSpan);
        }

        public void SendRequest(int streamId, string method, string path, string? contentType, byte[]? body, bool endStream = true)
        {
            var block = new ArrayBufferWriter<byte>();
            HPackEncoder.WriteHeader(":method", method, block);
            HPackEncoder.WriteHeader(":scheme", "http", block);
            HPackEncoder.WriteHeader(":path", path, block);
            HPackEncoder.WriteHeader(":authority", "localhost", block);
            if (contentType is not null)
            {
                HPackEncoder.WriteHeader("content-type", contentType, block);
            }

            var noBody = body is null or { Length: 0 };
            SendFrame(Http2FrameType.Headers, (byte)(Http2Flags.EndHeaders | (noBody && endStream ? Http2Flags.EndStream : 0)), streamId, block.WrittenSpan);
            if (!noBody)
            {
                SendFrame(Http2FrameType.Data, endStream ? Http2Flags.EndStream : (byte)0, streamId, body);
            }
        }

        private void Write(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

        public async Task<Frame> NextFrameAsync(Func<Frame, bool> match)
            => await TryNextFrameAsync(match, TimeSpan.FromSeconds(15)) ?? throw new TimeoutException("no matching frame within 15 s");

        /// <summary>The next frame (in arrival order) that matches; frames that do not match are recorded and skipped.</summary>
        public async Task<Frame?> TryNextFrameAsync(Func<Frame, bool> match, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                Frame frame;
                try
                {
                    frame = await ReadFrameAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                Seen.Add(frame);
                if (match(frame))
                {
                    return frame;
                }
            }
        }

        /// <summary>True once the server closed the connection (frames before that are skipped).</summary>
        public async Task<bool> ReadToEndAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var buffer = new byte[4096];
            try
            {
                while (await _stream.ReadAsync(buffer, cts.Token) > 0)
                {
                }

                return true;
            }
            catch (IOException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        private async Task<Frame> ReadFrameAsync(CancellationToken cancellationToken)
        {
            var head = new byte[Http2FrameHeader.Size];
            await _stream.ReadExactlyAsync(head, cancellationToken);
            var header = Http2FrameHeader.Read(head);
            var payload = new byte[header.Length];
            await _stream.ReadExactlyAsync(payload, cancellationToken);
            return new Frame(header, payload);
        }

        public ValueTask DisposeAsync()
        {
            _tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
