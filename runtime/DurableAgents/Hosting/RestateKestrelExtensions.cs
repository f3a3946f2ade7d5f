using DurableAgents.Hosting.Edge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DurableAgents.Hosting;

/// <summary>Kestrel set-up for a Restate endpoint on your own host.</summary>
public static class RestateKestrelExtensions
{
    /// <summary>
    /// Applies the Kestrel limits that suit a Restate endpoint (<see cref="RestateKestrelOptions"/>: HTTP/2 streams per
    /// connection, windows, frame and header sizes, keep-alive PINGs and timeouts) and installs the HTTP/2 connection
    /// guard on every listener. The limits are written before any of the application's own Kestrel configuration runs,
    /// so whatever <c>ConfigureKestrel</c> sets wins, whether it is called before or after this. Calling it again
    /// configures the same options. <see cref="RestateHost"/> calls it.
    /// </summary>
    public static IWebHostBuilder ConfigureRestateKestrel(this IWebHostBuilder builder, Action<RestateKestrelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices(services =>
        {
            var setup = services.Select(d => d.ImplementationInstance).OfType<RestateKestrelSetup>().FirstOrDefault();
            if (setup is null)
            {
                setup = new RestateKestrelSetup(new RestateKestrelOptions());
                services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>>(setup));
            }

            configure?.Invoke(setup.Options);
        });
    }

    /// <summary>
    /// Installs the HTTP/2 connection guard on one listener, for hosts that do not call
    /// <see cref="ConfigureRestateKestrel"/> or that serve h2 over TLS (call it after <c>UseHttps</c>, so it sees the
    /// decrypted frames).
    /// </summary>
    public static ListenOptions UseRestateConnectionGuard(this ListenOptions listen, RestateKestrelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var logger = listen.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("DurableAgents.Hosting.ConnectionGuard") ?? NullLogger.Instance;
        var limits = options ?? new RestateKestrelOptions();
        listen.Use(next => Http2ConnectionGuard.Create(next, limits, logger));
        return listen;
    }
}
