using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Hosting.Edge;

/// <summary>
/// A Kestrel connection middleware in front of Kestrel's own HTTP/2: it meters the frame headers a client sends
/// (<see cref="Http2FrameMeter"/>) and closes the connection on a CONTINUATION flood, an RST_STREAM flood (rapid reset),
/// or headers that do not arrive in time (a partial preface, idle connections that never send a request, a slowloris
/// header block), the cases Kestrel does not bound by itself. It does not parse HPACK, keep stream state or serve
/// requests; connections that do not start with the HTTP/2 preface (HTTP/1.1, TLS) pass through unmetered.
/// </summary>
internal static class Http2ConnectionGuard
{
    public static ConnectionDelegate Create(ConnectionDelegate next, RestateKestrelOptions options, ILogger logger)
        => async connection =>
        {
            var meter = new Http2FrameMeter(options, Environment.TickCount64);
            var transport = connection.Transport;
            using var input = new MeteredPipeReader(transport.Input, meter, (reason, timeout) =>
            {
                logger.Log(timeout ? LogLevel.Debug : LogLevel.Warning, "Closing connection {ConnectionId} from {Remote}: {Reason}", connection.ConnectionId, connection.RemoteEndPoint, reason);
                connection.Abort(new ConnectionAbortedException("HTTP/2 connection guard: " + reason));
            });
            connection.Transport = new GuardedDuplexPipe(input, transport.Output);
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                connection.Transport = transport;
            }
        };
}
