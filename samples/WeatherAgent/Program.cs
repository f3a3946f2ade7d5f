using DurableAgents.Agents;
using DurableAgents.Hosting;
using DurableAgents.Streaming;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeatherAgent;

// dotnet run --project samples/WeatherAgent            serve the agent (Restate endpoint on :9080, or $PORT)
// dotnet run --project samples/WeatherAgent -- --demo  start restate-server, crash the service mid-run, resume it
// The model comes from the environment (DURABLEAGENTS_MODEL_PROVIDER=openai|ollama|openai-compatible, OPENAI_API_KEY,
// OPENAI_BASE_URL, DURABLEAGENTS_MODEL); by default the built-in offline model, so no key and no network are needed.
if (args.Contains("--demo"))
{
    var question = args.SkipWhile(a => a != "--demo").Skip(1).FirstOrDefault() ?? "What's the weather in Paris and Berlin?";
    return await Demo.RunAsync(question);
}

var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9080", System.Globalization.CultureInfo.InvariantCulture);
var webPort = int.Parse(Environment.GetEnvironmentVariable("WEB_PORT") ?? "9081", System.Globalization.CultureInfo.InvariantCulture);
var ingress = new Uri(Environment.GetEnvironmentVariable(DurableAgentStreamOptions.IngressVariable) ?? "http://127.0.0.1:8080/");
var slowTurn2 = Environment.GetEnvironmentVariable("WEATHER_DEMO_SLOW_TURN2") == "1";
var model = new ModelCallLog(DurableAgentModels.FromEnvironment(), slowTurn2);
await using var host = await RestateHost.StartAsync(port, _ => { }, services: s =>
{
    s.AddSingleton<IChatClient>(model);
    s.AddRestateServices();
    s.AddDurableAgentStreams(o => o.IngressUri = ingress);
}, minimumLogLevel: LogLevel.Warning, webPort: webPort, endpoints: app => WebPage.Map(app, ingress));
if (!args.Contains("--serve"))
{
    Console.WriteLine($"WeatherAgent: Restate endpoint on {host.Uri} (model: {model.GetService<ChatClientMetadata>()?.DefaultModelId ?? "offline"})");
    Console.WriteLine($"Live page: http://127.0.0.1:{host.WebPort}/ (runs through the Restate ingress {ingress})");
    Console.WriteLine("Register:  restate deployments register " + host.Uri);
    Console.WriteLine("Invoke:    curl localhost:8080/WeatherAgent/run --json '\"What is the weather in Paris?\"'");
    Console.WriteLine("Crash demo: dotnet run --project samples/WeatherAgent -- --demo");
}

await Task.Delay(Timeout.Infinite);
return 0;
