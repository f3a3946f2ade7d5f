using System.Buffers;
using System.Diagnostics;
using System.Net;
using DurableAgents.Hosting;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.EdgeHardening;

/// <summary>Properties of the Kestrel hosting that the edge suite does not attack: settings precedence, body limit, CANCEL delivery.</summary>
[NonParallelizable]
public sealed class KestrelHostingTests
{
    [Test]
    public void The_applications_own_Kestrel_settings_win_over_ConfigureRestateKestrel_in_either_order()
    {
        foreach (var restateFirst in new[] { true, false })
        {
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            if (restateFirst)
            {
                builder.WebHost.ConfigureRestateKestrel(o => o.InitialStreamWindowSize = 2 * 1024 * 1024);
            }

            builder.WebHost.ConfigureKestrel(k => k.Limits.Http2.MaxStreamsPerConnection = 7);
            if (!restateFirst)
            {
                builder.WebHost.ConfigureRestateKestrel(o => o.InitialStreamWindowSize = 2 * 1024 * 1024);
            }

            using var provider = builder.Services.BuildServiceProvider();
            var kestrel = provider.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
            Assert.That(kestrel.Limits.Http2.MaxStreamsPerConnection, Is.EqualTo(7), $"restateFirst={restateFirst}");
            Assert.That(kestrel.Limits.Http2.InitialStreamWindowSize, Is.EqualTo(2 * 1024 * 1024), $"restateFirst={restateFirst}");
            Assert.That(kestrel.Limits.Http2.KeepAlivePingDelay, Is.EqualTo(TimeSpan.FromSeconds(30)), $"restateFirst={restateFirst}");
        }
    }

    [TestCase(null, "2.0")]
    [TestCase(HttpProtocols.Http1, "1.1")]
    public async Task A_urls_endpoint_speaks_the_protocol_of_RestateKestrelOptions(HttpProtocols? protocols, string expected)
    {
        // An endpoint from --urls (no listener code in the app): ConfigureRestateKestrel's endpoint default applies.
        var port = RestateServer.FreePorts(1)[0];
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureRestateKestrel(o => o.Protocols = protocols ?? o.Protocols);
        builder.Services.AddRestate(o => o.Bind(Service("Proto", Handler<string, string>("echo", (_, s) => Task.FromResult(s)))));
        await using var app = builder.Build();
        app.MapRestate();
        await app.StartAsync();

        using var http = new HttpClient
        {
            DefaultRequestVersion = Version.Parse(expected),
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/discover");
        Assert.That(response.Version, Is.EqualTo(Version.Parse(expected)));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"Proto\""));

        // The other protocol is refused: h2c prior knowledge on an HTTP/1.1 listener, HTTP/1.1 on an Http2-only one.
        using var other = new HttpClient
        {
            DefaultRequestVersion = expected == "2.0" ? System.Net.HttpVersion.Version11 : System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
        Assert.That(async () => (await other.GetAsync($"http://127.0.0.1:{port}/discover")).EnsureSuccessStatusCode(), Throws.InstanceOf<HttpRequestException>());
        await app.StopAsync();
    }

    [Test]
    public async Task An_invocation_body_over_MaxInvocationBodySize_gets_a_413()
    {
        await using var host = await RestateHost.StartAsync(0, o =>
        {
            o.MaxInvocationBodySize = 1000;
            o.Bind(Service("Limited", Handler<string, string>("echo", (_, s) => Task.FromResult(s))));
        }, http1: true);
        using var http = new HttpClient { BaseAddress = host.Uri };
        // Expect: 100-continue: the 413 arrives before the body is sent, so the answer does not race the upload
        // (without it, Kestrel closes the connection after the 413 while the client may still be writing).
        http.DefaultRequestHeaders.ExpectContinue = true;

        var big = new ByteArrayContent(new JournalBuilder().Input("\"" + new string('x', 2000) + "\"").Build());
        big.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(RestateEndpoint.InvocationContentTypeV6);
        using var rejected = await http.PostAsync("invoke/Limited/echo", big);
        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await rejected.Content.ReadAsStringAsync(), Does.Contain("MaxInvocationBodySize"));

        var small = new ByteArrayContent(new JournalBuilder().Input("\"ok\"").Build());
        small.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(RestateEndpoint.InvocationContentTypeV6);
        using var accepted = await http.PostAsync("invoke/Limited/echo", small);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_synchronous_run_closure_sees_a_CANCEL_that_arrives_over_Kestrel_HTTP2()
    {
        var spinning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource<(bool Cancelled, TimeSpan Waited)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await RestateHost.StartAsync(0, o => o.Bind(Service("Spin", Handler<string, string>("run", async (ctx, _) =>
        {
            await ctx.RunAsync("first", _ => Task.FromResult(1));
            return await ctx.RunAsync("spin", ct =>
            {
                spinning.TrySetResult();
                var clock = Stopwatch.StartNew();
                while (!ct.IsCancellationRequested && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.SpinWait(1000); // synchronous work: never yields its thread
                }

                observed.TrySetResult((ct.IsCancellationRequested, clock.Elapsed));
                return Task.FromResult("done");
            });
        }))));

        await using var client = await RawHttp2Client.ConnectAsync(host.Port);
        await client.SendFrameAsync(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, 1,
            RawHttp2Client.RequestBlock("POST", "/invoke/Spin/run", RestateEndpoint.InvocationContentTypeV6));
        await client.SendFrameAsync(RawHttp2Client.Data, 0, 1, new JournalBuilder().Input("\"x\"").Build());

        var output = new List<byte>();
        while (!Messages(output).Contains(MessageType.ProposeRunCompletion))
        {
            var frame = await client.NextFrameAsync(f => f.StreamId == 1 && f.Type == RawHttp2Client.Data, TimeSpan.FromSeconds(15));
            Assert.That(frame, Is.Not.Null, "no run proposal within 15 s");
            output.AddRange(frame!.Payload);
        }

        await client.SendFrameAsync(RawHttp2Client.Data, 0, 1, Encode(MessageType.RunCompletion,
            new NotificationTemplate { CompletionId = 1, Value = new Value { Content = ByteString.CopyFromUtf8("1") } }));
        await spinning.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await client.SendFrameAsync(RawHttp2Client.Data, 0, 1, Encode(MessageType.SignalNotification,
            new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() }));

        var (cancelled, waited) = await observed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(cancelled, Is.True, $"the closure spun {waited.TotalMilliseconds:F0} ms without seeing the CANCEL signal");
        Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(5)));
        await client.SendFrameAsync(RawHttp2Client.Data, RawHttp2Client.EndStream, 1, []);
    }

    private static byte[] Encode(MessageType type, IMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(buffer, type, message);
        return buffer.WrittenSpan.ToArray();
    }

    private static List<MessageType> Messages(List<byte> body)
    {
        var types = new List<MessageType>();
        var sequence = new ReadOnlySequence<byte>(body.ToArray());
        while (FrameCodec.TryReadFrame(ref sequence, out var header, out _))
        {
            types.Add(header.Type);
        }

        return types;
    }
}
