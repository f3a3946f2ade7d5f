using DurableAgents.Hosting.Http2;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace DurableAgents.Hosting;

/// <summary>Kestrel listener set-up for a Restate endpoint.</summary>
public static class RestateListenOptionsExtensions
{
    /// <summary>
    /// Serves the Restate endpoint (registered with <c>AddRestate</c>) on this listener's HTTP/2 connections with
    /// DurableAgents' own HTTP/2 layer: HTTP/2 with prior knowledge (<c>h2c</c>, what Restate uses for <c>http://</c>
    /// deployments) or after TLS with ALPN <c>h2</c> (call this after <c>UseHttps</c>). It answers
    /// <c>{prefix}/discover</c>, <c>{prefix}/health</c> and <c>{prefix}/invoke/{service}/{handler}</c>; other
    /// connections (HTTP/1.1) go on to Kestrel, and so does everything when
    /// <see cref="RestateEndpointOptions.DirectHttp2"/> is false. ASP.NET Core middleware does not run for the
    /// requests it serves. For the lowest cost per journal round trip also call
    /// <see cref="RestateWebHostBuilderExtensions.UseRestateTransport"/> on the web host (RestateHost does): h2c
    /// connections on this listener then get reader threads of their own. Without it, set Kestrel's
    /// <c>SocketTransportOptions.UnsafePreferInlineScheduling</c> so frames are parsed on the thread that received them.
    /// </summary>
    public static ListenOptions UseRestateHttp2(this ListenOptions listen, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.ApplicationServices.GetService<RestateTransportMarks>()?.Add(listen.EndPoint, prefix);
        listen.Use(next => connection => ServeAsync(connection, next, listen.ApplicationServices, prefix));
        return listen;
    }

    private static async Task ServeAsync(ConnectionContext connection, ConnectionDelegate next, IServiceProvider services, string prefix)
    {
        var endpoint = services.GetRequiredService<RestateEndpoint>();
        if (!endpoint.Options.DirectHttp2 || !await StartsWithPrefaceAsync(connection).ConfigureAwait(false))
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        await new RestateHttp2Connection(connection, endpoint, services.GetRequiredService<IServiceScopeFactory>(), prefix).RunAsync().ConfigureAwait(false);
    }

    /// <summary>Peeks (without consuming) until the bytes either are the HTTP/2 client preface or cannot become it.</summary>
    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var n = (int)Math.Min(buffer.Length, Http2FrameHeader.ClientPreface.Length);
            var matches = Http2FrameHeader.StartsLikePreface(buffer.Slice(0, n));
            if (!matches || n == Http2FrameHeader.ClientPreface.Length || result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start); // nothing consumed or examined: the next reader sees the same bytes
                return matches && n == Http2FrameHeader.ClientPreface.Length;
            }

            input.AdvanceTo(buffer.Start, buffer.End); // a prefix of the preface: wait for more
        }
    }
}
