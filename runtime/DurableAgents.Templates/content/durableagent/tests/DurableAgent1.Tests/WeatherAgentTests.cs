using DurableAgents.Agents;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableAgent1.Tests;

/// <summary>
/// The agent end to end: a real restate-server on free ports, this project's handlers served in-process over h2c,
/// registered as a deployment and called through Restate's ingress with the generated typed client.
/// </summary>
public sealed class WeatherAgentTests
{
    [Test]
    public async Task The_agent_calls_its_tool_through_Restate_and_answers()
    {
        await using var restate = await RestateServer.StartAsync();
        await using var service = await RestateHost.StartAsync(0, _ => { }, services: s =>
        {
            // The offline model: deterministic, no key, no network (the app itself reads the environment).
            s.AddSingleton<IChatClient>(new OfflineChatClient());
            s.AddRestateServices();
        });
        await restate.RegisterAsync(service.Uri);

        var answer = await new WeatherAgentClient(restate.Ingress).RunAsync("What is the weather in Paris?");

        Assert.Multiple(() =>
        {
            Assert.That(answer.ToolCalls, Is.EqualTo(1), "one get_weather call for one city");
            Assert.That(answer.Text, Does.Contain("Paris").And.Contain("sunny"), "the answer uses the tool's result");
        });
    }

    [Test]
    public async Task The_endpoint_is_healthy_and_lists_the_agent_for_discovery()
    {
        await using var service = await RestateHost.StartAsync(0, _ => { }, services: s =>
        {
            s.AddSingleton<IChatClient>(new OfflineChatClient());
            s.AddRestateServices();
        });
        using var h2c = new HttpClient
        {
            BaseAddress = service.Uri,
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var health = await h2c.GetAsync("health");
        Assert.That(health.IsSuccessStatusCode, Is.True, $"GET /health: {(int)health.StatusCode}");
        var manifest = await h2c.GetStringAsync("discover");
        Assert.That(manifest, Does.Contain("\"WeatherAgent\""));
    }
}
