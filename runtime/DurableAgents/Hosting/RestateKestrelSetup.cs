using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace DurableAgents.Hosting;

/// <summary>
/// Writes <see cref="RestateKestrelOptions"/> into Kestrel's options. Registered first among Kestrel's configurations
/// (<see cref="RestateKestrelExtensions.ConfigureRestateKestrel"/>), so the application's own settings override it.
/// </summary>
internal sealed class RestateKestrelSetup(RestateKestrelOptions options) : IConfigureOptions<KestrelServerOptions>
{
    public RestateKestrelOptions Options { get; } = options;

    public void Configure(KestrelServerOptions kestrel)
    {
        var o = Options;
        var limits = kestrel.Limits;
        limits.Http2.MaxStreamsPerConnection = o.MaxStreamsPerConnection;
        limits.Http2.InitialStreamWindowSize = o.InitialStreamWindowSize;
        limits.Http2.InitialConnectionWindowSize = o.InitialConnectionWindowSize;
        limits.Http2.MaxFrameSize = o.MaxFrameSize;
        limits.Http2.HeaderTableSize = o.HeaderTableSize;
        limits.Http2.MaxRequestHeaderFieldSize = o.MaxRequestHeaderFieldSize;
        limits.Http2.KeepAlivePingDelay = o.KeepAlivePingDelay;
        limits.Http2.KeepAlivePingTimeout = o.KeepAlivePingTimeout;
        limits.MaxRequestHeadersTotalSize = o.MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = o.MaxRequestHeaderCount;
        limits.KeepAliveTimeout = o.KeepAliveTimeout;
        limits.RequestHeadersTimeout = o.RequestHeadersTimeout;
        // Kestrel keeps one endpoint-defaults callback, run for every listener before the listener's own configuration
        // (so a listener that sets Protocols, or UseHttps, wins). On TLS listeners the guard sees encrypted bytes and
        // steps aside; use UseRestateConnectionGuard after UseHttps there.
        var protocols = o.Protocols;
        var guard = o.ConnectionGuard;
        kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (protocols is { } p)
            {
                listen.Protocols = p;
            }

            if (guard)
            {
                listen.UseRestateConnectionGuard(o);
            }
        });
    }
}
