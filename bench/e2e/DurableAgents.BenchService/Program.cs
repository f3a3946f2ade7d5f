using DurableAgents.BenchService;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using Microsoft.Extensions.DependencyInjection;

// Usage: DurableAgents.BenchService <port> <fake-model-url>
// Serves the Bench service over HTTP/2 cleartext (bidi streaming) on 127.0.0.1:<port> until killed. BENCH_SERVICE_NAME
// renames it, so that two services (ours and the TypeScript one, or two builds of ours) can share one restate-server.
var port = int.Parse(args[0]);
if (args.Length > 1)
{
    BenchHandlers.ModelUri = new Uri(args[1]);
}

var rename = Environment.GetEnvironmentVariable("BENCH_SERVICE_NAME") is { Length: > 0 } name ? name : null;
await using var host = await RestateHost.StartAsync(port, o =>
{
    if (rename is not null)
    {
        var d = BenchHandlers.Definition;
        o.Bind(new ServiceDefinition { Name = rename, Type = d.Type, Handlers = d.Handlers, Options = d.Options, JsonTypeInfoResolver = d.JsonTypeInfoResolver });
    }
}, services: s =>
{
    if (rename is null)
    {
        s.AddRestateServices(); // binds the service under its declared name, Bench
    }
});
Console.WriteLine($"listening {host.Port}");
await Task.Delay(Timeout.Infinite);
