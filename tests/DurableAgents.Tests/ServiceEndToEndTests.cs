using System.Net;
using System.Text;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests;

[TestFixture]
[NonParallelizable]
public sealed class ServiceEndToEndTests
{
    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private static int _greetStep1Runs;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await RestateServer.StartAsync();
        _host = await RestateHost.StartAsync(0, o => o
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
                Handler<string, string>("fail", (ctx, name) => throw new TerminalException($"bad name {name}", 409)))));
        await _server.RegisterAsync(_host.Uri);
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
}
