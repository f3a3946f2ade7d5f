using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatSession;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// A chat session agent (a Virtual Object keyed by session id) with an approval-gated tool.
//   dotnet run --project samples/ChatSession              serve on :9081 (or $PORT)
//   dotnet run --project samples/ChatSession -- --demo    start restate-server, chat, approve a booking, show the history
var port = args.Contains("--demo") ? RestateServer.FreePorts(1)[0]
    : int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9081", System.Globalization.CultureInfo.InvariantCulture);
await using var host = await RestateHost.StartAsync(port, _ => { }, services: s => s.AddRestateServices(), minimumLogLevel: LogLevel.Warning);
if (!args.Contains("--demo"))
{
    Console.WriteLine($"ChatSession: Restate endpoint on {host.Uri}. After registering:");
    Console.WriteLine("  curl localhost:8080/Concierge/alice/run --json '\"Book a table at \\\"Chez Nous\\\"\"'   (waits for approval)");
    Console.WriteLine("  curl -X POST localhost:8080/Concierge/alice/approvals                                   (the pending request)");
    Console.WriteLine("  curl localhost:8080/Concierge/alice/approve --json '{\"id\":\"<id>\",\"approved\":true}'");
    Console.WriteLine("  curl -X POST localhost:8080/Concierge/alice/history");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

await using var server = await RestateServer.StartAsync();
await server.RegisterAsync(host.Uri);
var http = server.Http;
Uri Ingress(string path) => new(server.IngressUri, path);

Console.WriteLine("[demo] alice: Hi, I'm planning dinner.");
using (var r = await http.PostAsync(Ingress("Concierge/alice/run"), JsonContent.Create("Hi, I'm planning dinner.")))
{
    Console.WriteLine("[demo] agent: " + JsonNode.Parse(await r.Content.ReadAsStringAsync())!["text"]);
}

Console.WriteLine("[demo] alice: Book a table at \"Chez Nous\".");
using var send = await http.PostAsync(Ingress("Concierge/alice/run/send"), JsonContent.Create("Book a table at \"Chez Nous\"."));
var invocation = JsonNode.Parse(await send.Content.ReadAsStringAsync())!["invocationId"]!.ToString();
JsonArray pending = [];
while (pending.Count == 0)
{
    await Task.Delay(200);
    using var p = await http.PostAsync(Ingress("Concierge/alice/approvals"), null);
    pending = JsonNode.Parse(await p.Content.ReadAsStringAsync())!.AsArray();
}

var request = pending[0]!;
Console.WriteLine($"[demo] pending approval {request["id"]}: {request["toolName"]}({request["arguments"]!.ToJsonString()}), the run is suspended");
using (await http.PostAsync(Ingress("Concierge/alice/approve"), JsonContent.Create(new JsonObject { ["id"] = request["id"]!.ToString(), ["approved"] = true })))
{
    Console.WriteLine("[demo] approved");
}

using (var r = await http.GetAsync(Ingress($"restate/invocation/{invocation}/attach")))
{
    Console.WriteLine("[demo] agent: " + JsonNode.Parse(await r.Content.ReadAsStringAsync())!["text"]);
}

using (var h = await http.PostAsync(Ingress("Concierge/alice/history"), null))
{
    var history = JsonNode.Parse(await h.Content.ReadAsStringAsync())!.AsArray();
    Console.WriteLine($"[demo] the session's history has {history.Count} messages (kept in Virtual Object state, survives restarts)");
}

return 0;
