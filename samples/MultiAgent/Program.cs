using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DurableAgents.Hosting;
using MultiAgent;
using DurableAgents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Two agents: the Planner calls the Researcher as a tool (a durable call; cancelling the Planner cancels it).
//   dotnet run --project samples/MultiAgent              serve on :9082 (or $PORT)
//   dotnet run --project samples/MultiAgent -- --demo    start restate-server and ask the planner
var port = args.Contains("--demo") ? RestateServer.FreePorts(1)[0]
    : int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9082", System.Globalization.CultureInfo.InvariantCulture);
await using var host = await RestateHost.StartAsync(port, _ => { }, services: s => s.AddRestateServices(), minimumLogLevel: LogLevel.Warning);
if (!args.Contains("--demo"))
{
    Console.WriteLine($"MultiAgent: Restate endpoint on {host.Uri}. After registering:");
    Console.WriteLine("  curl localhost:8080/Planner/run --json '\"Ask the researcher about Lisbon, then plan a day there\"'");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

await using var server = await RestateServer.StartAsync();
await server.RegisterAsync(host.Uri);
Console.WriteLine("[demo] user -> Planner: Ask the researcher about Lisbon, then plan a day there");
using var response = await server.Http.PostAsync(new Uri(server.IngressUri, "Planner/run"), JsonContent.Create("Ask the researcher about Lisbon, then plan a day there"));
var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
Console.WriteLine("[demo] Planner: " + body["text"]);
var calls = await server.QueryAsync("SELECT target_service_name, status FROM sys_invocation ORDER BY created_at");
foreach (var row in calls)
{
    Console.WriteLine($"[demo] invocation of {row!["target_service_name"]}: {row["status"]}");
}

return 0;
