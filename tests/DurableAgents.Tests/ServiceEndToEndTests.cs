using System.Net;
using System.Text;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests;

/// <summary>The same end-to-end suite over HTTP/2 bidi streaming (h2c on Kestrel) and over HTTP/1.1 request-response.</summary>
[TestFixture("http2")]
[TestFixture("http1")]
[NonParallelizable]
public sealed class ServiceEndToEndTests(string transport)
{
    private readonly bool http1 = transport == "http1";

    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private static int _greetStep1Runs;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Received = new();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await RestateServer.StartAsync();
        _host = await RestateHost.StartAsync(0, o => o
            .Bind(Service("Relay",
                Handler<string, string>("callAndSend", async (ctx, text) =>
                {
                    var upper = await ctx.CallAsync<string, string>(CallTarget.ForService("Echo", "upper"), text);
                    var handle = ctx.Send(CallTarget.ForService("Echo", "record"), text + "-sent");
                    var sentId = await handle.InvocationId;
                    return $"{upper}|{sentId.StartsWith("inv_", StringComparison.Ordinal)}";
                }),
                Handler<string, string>("callFailing", async (ctx, text) =>
                {
                    try
                    {
                        return await ctx.CallAsync<string, string>(CallTarget.ForService("Echo", "reject"), text);
                    }
                    catch (TerminalException e)
                    {
                        return $"callee failed with {e.Code}: {e.Message}";
                    }
                })))
            .Bind(Service("Echo",
                Handler<string, string>("upper", (_, text) => Task.FromResult(text.ToUpperInvariant())),
                Handler<string, string>("reject", (_, text) => throw new TerminalException($"no {text}", 422)),
                Handler<string, string>("record", (_, text) =>
                {
                    Received.AddOrUpdate(text, 1, (_, n) => n + 1);
                    return Task.FromResult(text);
                })))
            .Bind(Service("Greeter",
                Handler<string, string>("greet", async (ctx, name) =>
                {
                    var hello = await ctx.RunAsync("step1", _ =>
                    {
                        Interlocked.Increment(ref _greetStep1Runs);
                        return Task.FromResult($"hello-{name}");
                    });
                    await ctx.SleepAsync(TimeSpan.FromMilliseconds(100));
                    return await ctx.RunAsync("step2", _ => Task.FromResult(hello + "-done"));
                }),
                Handler<string, string>("fail", (ctx, name) => throw new TerminalException($"bad name {name}", 409)),
                Handler<Order, string>("order", (ctx, order) => Task.FromResult($"{order.Id}:{order.Quantity}")))),
            http1);
        await _server.RegisterAsync(_host.Uri, useHttp11: http1);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
    {
        using var response = await _server.Http.PostAsync(new Uri(_server.IngressUri, path), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Greeter_runs_steps_around_a_durable_sleep()
    {
        var (status, body) = await PostAsync("Greeter/greet", "\"world\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Is.EqualTo("\"hello-world-done\""));
    }

    [Test]
    public async Task Terminal_error_reaches_the_caller_with_its_code()
    {
        var (status, body) = await PostAsync("Greeter/fail", "\"zed\"");
        Assert.That((int)status, Is.EqualTo(409), body);
        Assert.That(body, Does.Contain("bad name zed"));
    }

    [Test]
    public async Task A_request_response_call_and_a_one_way_send_between_services()
    {
        var text = "ping-" + transport; // the fixtures share the static counter
        var (status, body) = await PostAsync("Relay/callAndSend", $"\"{text}\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Is.EqualTo($"\"{text.ToUpperInvariant()}|True\""));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Received.ContainsKey(text + "-sent") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(200); // a duplicate delivery would show up here
        Assert.That(Received.TryGetValue(text + "-sent", out var n) ? n : 0, Is.EqualTo(1), "the one-way send ran exactly once");
    }

    [Test]
    public async Task A_callees_terminal_failure_surfaces_in_the_caller_with_its_code()
    {
        var (status, body) = await PostAsync("Relay/callFailing", "\"x\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Is.EqualTo("\"callee failed with 422: no x\""));
    }

    [Test]
    public async Task Malformed_json_input_fails_terminally_with_400_and_is_not_retried()
    {
        var (status, body) = await PostAsync("Greeter/order", "{\"id\": \"a\", \"quantity\": \"not a number\"");
        Assert.That((int)status, Is.EqualTo(400), body);
        Assert.That(body, Does.Contain("Invalid JSON input"));
        var (ok, okBody) = await PostAsync("Greeter/order", "{\"id\": \"a\", \"quantity\": 3, \"price\": 1.5}");
        Assert.That(ok, Is.EqualTo(HttpStatusCode.OK), okBody);
        Assert.That(okBody, Is.EqualTo("\"a:3\""));
    }

    [Test]
    public async Task Garbage_frames_get_571_and_the_endpoint_keeps_serving()
    {
        using var handler = new SocketsHttpHandler();
        using var direct = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Uri, "invoke/Greeter/greet"))
        {
            Version = http1 ? HttpVersion.Version11 : HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xFF, 0xFF, 0xFF]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.restate.invocation.v6");
        using var response = await direct.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var frames = Testing.JournalHarness.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Type, Is.EqualTo(Protocol.MessageType.Error));
        Assert.That(frames[0].Text, Does.Contain("571"));

        var (status, body) = await PostAsync("Greeter/greet", "\"again\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Is.EqualTo("\"hello-again-done\""));
    }

    [Test]
    public async Task Unknown_handlers_get_404_and_unsupported_protocol_versions_get_415()
    {
        using var handler = new SocketsHttpHandler();
        using var direct = new HttpClient(handler);
        async Task<HttpStatusCode> Send(string path, string contentType)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Uri, path))
            {
                Version = http1 ? HttpVersion.Version11 : HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent([]),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await direct.SendAsync(request);
            return response.StatusCode;
        }

        Assert.That(await Send("invoke/Nope/greet", "application/vnd.restate.invocation.v6"), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Send("invoke/Greeter/nope", "application/vnd.restate.invocation.v6"), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Send("invoke/Greeter/greet", "application/vnd.restate.invocation.v5"), Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }
}
