using DurableAgents.Hosting.Http2;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableAgents.Hosting;

/// <summary>Web host set-up for a Restate endpoint.</summary>
public static class RestateWebHostBuilderExtensions
{
    /// <summary>
    /// Serves Restate's HTTP/2 cleartext connections (h2c, what Restate uses for <c>http://</c> deployments) on
    /// dedicated reader threads: on every listener marked with
    /// <see cref="RestateListenOptionsExtensions.UseRestateHttp2"/>, a connection that opens with the HTTP/2 preface
    /// gets a thread of its own that reads the socket with blocking calls, parses frames, and runs the handler step
    /// that a frame completes right there, as Node's event loop would. That removes the thread-pool hand-offs that
    /// dominate a journal round trip. If handler code holds a reader thread for more than 20 ms (synchronous work, a
    /// blocking call), a watchdog moves the connection's reading to a new thread, so CANCEL signals and other
    /// invocations' results keep arriving. Other listeners, and other connections on a marked listener (HTTP/1.1, TLS),
    /// are Kestrel's socket transport as usual. <see cref="RestateHost"/> does this by default.
    /// </summary>
    public static IWebHostBuilder UseRestateTransport(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSockets();
        return builder.ConfigureServices(services =>
        {
            services.TryAddSingleton<RestateTransportMarks>();
            if (!services.Any(d => d.ServiceType == typeof(IConnectionListenerFactory) && d.ImplementationType == typeof(RestateSocketTransportFactory)))
            {
                services.AddSingleton<IConnectionListenerFactory, RestateSocketTransportFactory>();
            }
        });
    }
}
