using DurableAgents.BenchService;
using DurableAgents.Hosting;

// Usage: DurableAgents.BenchService <port> <fake-model-url>
// Serves the Bench service over HTTP/2 cleartext (bidi streaming) on 127.0.0.1:<port> until killed.
var port = int.Parse(args[0]);
if (args.Length > 1)
{
    BenchHandlers.ModelUri = new Uri(args[1]);
}

// DURABLEAGENTS_BENCH_KESTREL_HTTP2=1 serves HTTP/2 with Kestrel's own stack instead (A/B of the HTTP/2 layer).
var kestrelHttp2 = Environment.GetEnvironmentVariable("DURABLEAGENTS_BENCH_KESTREL_HTTP2") == "1";
await using var host = await RestateHost.StartAsync(port, o => o.DirectHttp2 = !kestrelHttp2, services: s => s.AddRestateServices());
Console.WriteLine($"listening {host.Port}");
await Task.Delay(Timeout.Infinite);
