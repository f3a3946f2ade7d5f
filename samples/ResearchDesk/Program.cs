using ResearchDesk;

// dotnet run --project samples/ResearchDesk            serve the Librarian agent and the Editor object (Restate endpoint
//                                                      on :9080 or $PORT) and the catalog MCP server ($CATALOG_PORT, or a free port)
// dotnet run --project samples/ResearchDesk -- --demo  start restate-server and run both, offline, printing the journals
// The model comes from the environment like every sample (DURABLEAGENTS_MODEL_PROVIDER=openai|ollama|openai-compatible);
// by default the built-in offline model, so no key and no network are needed.
if (args.Contains("--demo"))
{
    return await Demo.RunAsync();
}

var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "9080", System.Globalization.CultureInfo.InvariantCulture);
var catalogPort = int.Parse(Environment.GetEnvironmentVariable("CATALOG_PORT") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
await using var catalog = await CatalogServer.StartAsync(catalogPort);
await using var host = await ServiceHost.StartAsync(port, catalog.Endpoint);
Console.WriteLine($"ResearchDesk: Restate endpoint on {host.Uri}, catalog MCP server on {catalog.Endpoint}");
Console.WriteLine("Register:  restate deployments register " + host.Uri);
Console.WriteLine("Invoke:    curl localhost:8080/Librarian/run --json '\"Find books about \\\"event sourcing\\\"\"'");
Console.WriteLine("           curl localhost:8080/Editor/draft-1/review --json '\"Count the words in \\\"Durable agents replay.\\\"\"'");
await Task.Delay(Timeout.Infinite);
return 0;
