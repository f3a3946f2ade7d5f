using DurableAgents.Clients;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using Greeter;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Usage:
//   dotnet run --project samples/Greeter -- --demo     start restate-server, serve, register, invoke, print
//   dotnet run --project samples/Greeter [port]        serve the endpoint on 127.0.0.1:<port> (default 9080)
if (args.Contains("--demo"))
{
    Console.WriteLine("Starting restate-server (from node_modules, fresh data directory, free ports)...");
    await using var server = await RestateServer.StartAsync();
    Console.WriteLine($"  ingress {server.IngressUri}  admin {server.AdminUri}");

    await using var host = await RestateHost.StartAsync(0, _ => { }, services: s => s.AddRestateServices());
    Console.WriteLine($"Serving the Greeter endpoint on {host.Uri} (HTTP/2, bidi streaming)");

    var deployment = await server.RegisterAsync(host.Uri);
    Console.WriteLine($"Registered deployment {deployment["id"]}");

    using var http = new HttpClient { BaseAddress = server.IngressUri };
    var client = new GreeterServiceClient(new IngressClient(http));
    var greeting = await client.GreetAsync(new GreetRequest("DurableAgents"));
    Console.WriteLine($"Result: {greeting.Message} (invocation {greeting.InvocationId}, {GreeterService.StepExecutions} step executions)");
    return 0;
}

var port = args.Length > 0 && int.TryParse(args[0], out var p) ? p : 9080;

// The README's hosting set-up: plain ASP.NET Core on Kestrel, an HTTP/2-only cleartext listener for Restate's bidi
// streams (h2c), the SDK's Kestrel limits and connection guard.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureRestateKestrel();
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddRestateServices();
var app = builder.Build();
app.MapRestate();
await app.StartAsync();
Console.WriteLine($"Greeter endpoint listening on http://localhost:{port}/; register it with Restate: POST <admin>/deployments {{\"uri\":\"http://localhost:{port}/\"}}");
await app.WaitForShutdownAsync();
return 0;
