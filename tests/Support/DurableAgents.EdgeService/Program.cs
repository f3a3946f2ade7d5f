using System.Net;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

// Usage: DurableAgents.EdgeService <port>
// The hosting set-up of the README (plain ASP.NET Core, the SDK's default Kestrel limits, an Http2-only h2c listener)
// serving Edge/echo (returns its input) and Edge/hold (waits 60 s without touching the journal, then returns its input).
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureRestateKestrel();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddRestate(o => o.Bind(new ServiceDefinition
{
    Name = "Edge",
    Type = ServiceType.Service,
    Handlers =
    [
        new HandlerDefinition { Name = "echo", Invoker = static (_, input) => ValueTask.FromResult(input) },
        new HandlerDefinition
        {
            Name = "hold",
            Invoker = static async (_, input) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(60));
                return input;
            },
        },
    ],
}));

var app = builder.Build();
app.MapRestate();
await app.StartAsync();
Console.WriteLine($"listening {port}");
await app.WaitForShutdownAsync();
