using DurableAgents.Hosting;
using DurableAgents.TestService;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Serves the test agents on 127.0.0.1:$PORT until killed. The model comes from the environment
// (DURABLEAGENTS_MODEL_PROVIDER, OPENAI_BASE_URL, DURABLEAGENTS_MODEL), the offline model by default.
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9080", System.Globalization.CultureInfo.InvariantCulture);
await using var host = await RestateHost.StartAsync(port, _ => { }, services: s => s.AddRestateServices(), minimumLogLevel: LogLevel.Warning);
Console.WriteLine($"listening on {host.Uri}");
await Task.Delay(Timeout.Infinite);
