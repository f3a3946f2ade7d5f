using DurableAgents.Hosting;
using DurableAgents.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DurableService1.Tests;

/// <summary>
/// The handlers end to end: a real restate-server on free ports (one for the fixture), this project's handlers served
/// in-process over h2c, registered as a deployment and called through Restate's ingress with the generated clients.
/// </summary>
public sealed class HandlerTests
{
    private RestateServer _restate = null!;
    private RestateHost _service = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _restate = await RestateServer.StartAsync();
        _service = await RestateHost.StartAsync(0, _ => { }, services: s => s.AddRestateServices());
        await _restate.RegisterAsync(_service.Uri);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _service.DisposeAsync();
        await _restate.DisposeAsync();
    }

    [Test]
    public async Task The_greeter_greets()
    {
        var greeting = await new GreeterClient(_restate.Ingress).GreetAsync(new GreetRequest("Ada"));
        Assert.That(greeting.Message, Is.EqualTo("Hello, Ada!"));
    }

    [Test]
    public async Task The_counter_keeps_a_durable_total_per_key()
    {
        var key = Guid.NewGuid().ToString("N");
        var counter = new CounterClient(_restate.Ingress, key);
        Assert.That(await counter.AddAsync(2), Is.EqualTo(2));
        Assert.That(await counter.AddAsync(3), Is.EqualTo(5));
        Assert.That(await counter.GetAsync(), Is.EqualTo(5));
        Assert.That(await new CounterClient(_restate.Ingress, key + "-other").GetAsync(), Is.EqualTo(0), "state is per key");
    }
}
