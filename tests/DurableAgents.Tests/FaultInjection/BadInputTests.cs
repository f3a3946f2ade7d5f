using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using Google.Protobuf;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// Bad input from outside: malformed JSON (terminal 400, handler never runs, not retried) and inputs over the
/// server's 32 MiB message limit (through the ingress and straight at the endpoint). Each gets a clear error, the
/// endpoint keeps serving and an invocation in flight meanwhile completes.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BadInputTests
{
    private const int OverLimit = 33 * 1024 * 1024;
    private static int _orderBodies;

    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private HttpClient _http = null!;
    private IngressClient _ingress = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await RestateServer.StartAsync();
        _host = await RestateHost.StartAsync(0, o => o.Bind(Service("Shop",
            Handler<Order, string>("order", (_, order) =>
            {
                Interlocked.Increment(ref _orderBodies);
                return Task.FromResult($"{order.Id}:{order.Quantity}");
            }),
            Handler<string, string>("slow", async (ctx, s) =>
            {
                var a = await ctx.RunAsync("a", _ => Task.FromResult(s + "-a"));
                await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                return await ctx.RunAsync("b", _ => Task.FromResult(a + "-b"));
            }),
            new HandlerDefinition
            {
                Name = "size",
                InputContentType = "*/*",
                Invoker = (_, input) => ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(input.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            })));
        await _server.RegisterAsync(_host.Uri);
        _http = new HttpClient { BaseAddress = _server.IngressUri, Timeout = TimeSpan.FromSeconds(90) };
        _ingress = new IngressClient(_http);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Malformed_json_is_a_terminal_400_the_handler_never_runs_and_the_next_request_is_served()
    {
        var sw = Stopwatch.StartNew();
        var before = Volatile.Read(ref _orderBodies);
        string[] bad = ["{\"id\": \"a\", \"quantity\": \"many\"}", "{\"id\": ", "[1,2,3]", "not json at all", "{\"id\":\"a\",\"quantity\":1e999}"];
        foreach (var body in bad)
        {
            var (status, text, id) = await PostAsync("Shop/order", Encoding.UTF8.GetBytes(body), "application/json");
            Assert.That((int)status, Is.EqualTo(400), $"{body} → {text}");
            Assert.That(text, Does.Contain("Invalid JSON input"));
            var row = await InvocationAsync(id!);
            Assert.That(row?["retry_count"]?.ToString(), Is.AnyOf(null, "0", "1"), "a terminal failure is not retried: " + row?.ToJsonString());
        }

        Assert.That(Volatile.Read(ref _orderBodies), Is.EqualTo(before), "the handler body never ran");
        var (ok, okText, _) = await PostAsync("Shop/order", "{\"id\":\"b\",\"quantity\":2,\"price\":1.5}"u8.ToArray(), "application/json");
        Assert.That(ok, Is.EqualTo(HttpStatusCode.OK), okText);
        Assert.That(okText, Is.EqualTo("\"b:2\""));
        sw.Stop();
        FaultSettings.Record("Malformed JSON input", $"{bad.Length} bodies", "invalid JSON / wrong types / wrong shape",
            "terminal 400 each, handler never ran, not retried; next request served", sw.Elapsed);
    }

    [Test]
    public async Task An_input_over_the_32_MiB_limit_gets_a_clear_error_and_nothing_in_flight_is_lost()
    {
        var sw = Stopwatch.StartNew();
        var inFlight = await _ingress.SendRawAsync(CallTarget.ForService("Shop", "slow"), "\"keep\""u8.ToArray());

        var big = new byte[OverLimit];
        Array.Fill(big, (byte)'x');
        // With "Expect: 100-continue" the ingress answers before the upload; without it, it closes the connection.
        var (status, text, id) = await PostAsync("Shop/size", big, "application/octet-stream", expectContinue: true);
        string outcome;
        if ((int)status is >= 400 and < 500 && id is null)
        {
            outcome = $"ingress rejected it: {(int)status} {Trim(text)}";
        }
        else
        {
            // Accepted by the ingress: the invocation itself must end with a clear terminal error, not retry forever.
            Assert.That((int)status, Is.Not.EqualTo(200), "a 33 MiB input cannot have been delivered: " + Trim(text));
            outcome = $"invocation failed: {(int)status} {Trim(text)}";
        }

        // The endpoint and the server still serve, and the invocation that was in flight completes.
        var (okStatus, okText, _) = await PostAsync("Shop/size", new byte[1024 * 1024], "application/octet-stream");
        Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK), okText);
        Assert.That(okText, Is.EqualTo("1048576"));
        Assert.That(Encoding.UTF8.GetString(await _ingress.AttachRawAsync(inFlight.InvocationId)), Is.EqualTo("\"keep-a-b\""));
        sw.Stop();
        TestContext.Progress.WriteLine("33 MiB through the ingress: " + outcome);
        FaultSettings.Record("Oversized input through the ingress", "33 MiB body (limit 32 MiB)", "one request over the message-size limit",
            outcome + "; a 1 MiB request after it served; an invocation in flight completed", sw.Elapsed);
    }

    [Test]
    public async Task An_oversized_frame_sent_straight_to_the_endpoint_is_a_571_and_the_endpoint_keeps_serving()
    {
        var sw = Stopwatch.StartNew();
        var start = new StartMessage { Id = ByteString.CopyFrom(new byte[24]), DebugId = "inv_big", KnownEntries = 1, PartialState = true };
        var input = new InputCommandMessage { Value = new Value { Content = ByteString.CopyFrom(new byte[OverLimit]) } };
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(buffer, MessageType.Start, start);
        FrameCodec.WriteFrame(buffer, MessageType.InputCommand, input);

        using var handler = new SocketsHttpHandler();
        using var direct = new HttpClient(handler) { BaseAddress = _host.Uri, Timeout = TimeSpan.FromSeconds(60) };
        var (status, body) = await MalformedFrameTests.InvokeAsync(direct, "invoke/Shop/size", buffer.WrittenSpan.ToArray());
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var outcome = AttemptOutcome.Of(body);
        Assert.That(outcome.Label, Is.EqualTo("Error 571"), outcome.Detail);
        Assert.That(outcome.Detail, Does.Contain("exceeds the 33554432-byte limit"));

        var valid = new JournalBuilder().Input("\"ping\"").Build();
        var (okStatus, okBody) = await MalformedFrameTests.InvokeAsync(direct, "invoke/Shop/size", valid);
        Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(AttemptOutcome.Of(okBody).Label, Is.EqualTo("End"));
        sw.Stop();
        FaultSettings.Record("Oversized frame straight to the endpoint", "InputCommand of 33 MiB over HTTP/2", "frame over the 32 MiB limit",
            "Error 571 (\"exceeds the 33554432-byte limit\") before buffering it; next request served", sw.Elapsed);
    }

    private static string Trim(string s) => s.Length > 200 ? s[..200] + "…" : s;

    private async Task<(HttpStatusCode Status, string Body, string? InvocationId)> PostAsync(string path, byte[] body, string contentType, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("content-type", contentType);
        request.Headers.ExpectContinue = expectContinue;
        using var response = await _http.SendAsync(request);
        var id = response.Headers.TryGetValues("x-restate-id", out var v) ? v.First() : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), id);
    }

    private async Task<JsonObject?> InvocationAsync(string id)
    {
        var rows = await _server.QueryAsync($"select status, retry_count from sys_invocation where id = '{id}'");
        return rows.Count == 0 ? null : rows[0] as JsonObject;
    }
}
