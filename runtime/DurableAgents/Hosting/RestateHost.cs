using System.Net;
using DurableAgents.Definitions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Hosting;

/// <summary>A standalone Restate endpoint on Kestrel, for samples, tests and small services.</summary>
public sealed class RestateHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RestateHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port the endpoint listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The URI to register with Restate.</summary>
    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds and starts an endpoint on 127.0.0.1:<paramref name="port"/> (0 = a free port) on Kestrel, with the limits
    /// of <see cref="RestateKestrelExtensions.ConfigureRestateKestrel"/> (adjust them with <paramref name="kestrel"/>).
    /// HTTP/2 cleartext (h2c, bidi streaming) by default; <paramref name="http1"/> serves HTTP/1.1 request-response
    /// instead (register with <c>use_http_11</c>). <paramref name="webPort"/> adds an HTTP/1.1 listener for browsers and
    /// other clients of the endpoints mapped by <paramref name="endpoints"/> (e.g. <c>app.MapDurableAgentStreams()</c>):
    /// cleartext HTTP/2 is not what they speak.
    /// </summary>
    public static async Task<RestateHost> StartAsync(int port, Action<RestateEndpointOptions> configure, bool http1 = false,
        Action<IServiceCollection>? services = null, LogLevel minimumLogLevel = LogLevel.Warning, CancellationToken cancellationToken = default,
        Action<RestateKestrelOptions>? kestrel = null, int? webPort = null, Action<WebApplication>? endpoints = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(minimumLogLevel);
        builder.WebHost.ConfigureRestateKestrel(kestrel);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port, lo => lo.Protocols = http1 ? HttpProtocols.Http1 : HttpProtocols.Http2);
            if (webPort is { } web)
            {
                k.Listen(IPAddress.Loopback, web, lo => lo.Protocols = HttpProtocols.Http1);
            }
        });
        builder.Services.AddRestate(configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapRestate();
        endpoints?.Invoke(app);
        await app.StartAsync(cancellationToken);
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToList();
        int? web = webPort is { } w ? (w != 0 ? w : ports.Last(p => p != port)) : null;
        return new RestateHost(app, port != 0 ? port : ports.First(p => p != web)) { WebPort = web };
    }

    /// <summary>The port of the HTTP/1.1 listener (<c>webPort</c> of <see cref="StartAsync"/>), or null.</summary>
    public int? WebPort { get; private init; }

    /// <summary>One line for a sample: serve the given services on <paramref name="port"/> until Ctrl+C.</summary>
    public static async Task RunAsync(int port, params ServiceDefinition[] services)
    {
        await using var host = await StartAsync(port, o =>
        {
            foreach (var s in services)
            {
                o.Bind(s);
            }
        }, minimumLogLevel: LogLevel.Information);
        await host._app.WaitForShutdownAsync();
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}
