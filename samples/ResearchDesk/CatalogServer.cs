using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace ResearchDesk;

/// <summary>
/// The catalog as a real MCP server (the official C# SDK, Streamable HTTP at <c>/mcp</c>) on its own loopback port: in
/// production it would be another team's server; here it runs in the sample's process so the sample stays offline.
/// </summary>
public sealed class CatalogServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CatalogServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The MCP endpoint, e.g. <c>http://127.0.0.1:5123/mcp</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts the server on <paramref name="port"/> (0: a free port).</summary>
    public static async Task<CatalogServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "library-catalog", Version = "1.0" })
            .WithHttpTransport()
            .WithTools<CatalogTools>();
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CatalogServer(app, new Uri(address.TrimEnd('/') + "/mcp"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
