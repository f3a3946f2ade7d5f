using DurableAgents.Hosting;
using DurableAgents.Streaming;
using DurableAgents.TestService;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Serves the test agents on 127.0.0.1:$PORT until killed. The model comes from the environment
// (DURABLEAGENTS_MODEL_PROVIDER, OPENAI_BASE_URL, DURABLEAGENTS_MODEL), the offline model by default.
// With DA_STREAMS=1 the agents publish their run events (RESTATE_INGRESS_URL) and $WEB_PORT serves the streams; with
// DA_PAGE_ROOT (the WeatherAgent sample's wwwroot) it also serves that page and its API routes for the Booker agent.
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9080", System.Globalization.CultureInfo.InvariantCulture);
var streams = Environment.GetEnvironmentVariable("DA_STREAMS") == "1";
var pageRoot = Environment.GetEnvironmentVariable("DA_PAGE_ROOT");
int? webPort = int.TryParse(Environment.GetEnvironmentVariable("WEB_PORT"), System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : null;
await using var host = await RestateHost.StartAsync(port, _ => { }, services: s =>
{
    s.AddRestateServices();
    if (streams)
    {
        s.AddDurableAgentStreams();
    }
}, minimumLogLevel: LogLevel.Warning, webPort: streams ? webPort : null, endpoints: !streams ? null
    : pageRoot is null ? app => app.MapDurableAgentStreams()
    : app => WeatherAgent.WebPage.Map(app, new Uri(Environment.GetEnvironmentVariable("RESTATE_INGRESS_URL")!), "Booker", pageRoot));
Console.WriteLine($"listening on {host.Uri}");
await Task.Delay(Timeout.Infinite);
