using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DurableAgents.Hosting.Http2;

/// <summary>
/// The listeners marked with <see cref="RestateListenOptionsExtensions.UseRestateHttp2"/>, with their path prefix.
/// Kestrel hands the transport only an <see cref="EndPoint"/>: the marked listener's own, or for <c>ListenLocalhost</c>
/// and <c>ListenAnyIP</c> one per address family, on the same port. So a bound endpoint matches a mark when it is
/// the same object, or has the same (fixed) port and the same address, or both are loopback, or both are "any".
/// </summary>
internal sealed class RestateTransportMarks
{
    private readonly Lock _lock = new();
    private readonly List<(EndPoint EndPoint, string Prefix)> _marks = [];

    public void Add(EndPoint endpoint, string prefix)
    {
        lock (_lock)
        {
            _marks.Add((endpoint, prefix));
        }
    }

    public bool TryGet(EndPoint endpoint, out string prefix)
    {
        lock (_lock)
        {
            foreach (var mark in _marks)
            {
                if (ReferenceEquals(mark.EndPoint, endpoint))
                {
                    prefix = mark.Prefix;
                    return true;
                }
            }

            foreach (var mark in _marks)
            {
                if (mark.EndPoint is IPEndPoint marked && endpoint is IPEndPoint candidate && marked.Port != 0 && marked.Port == candidate.Port
                    && (marked.Address.Equals(candidate.Address) || SameFamilyExpansion(marked.Address, candidate.Address)))
                {
                    prefix = mark.Prefix;
                    return true;
                }
            }
        }

        prefix = "";
        return false;
    }

    /// <summary>Loopback stands for both loopbacks (ListenLocalhost), any address for both "any"s (ListenAnyIP).</summary>
    private static bool SameFamilyExpansion(IPAddress marked, IPAddress candidate)
        => (IPAddress.IsLoopback(marked) && IPAddress.IsLoopback(candidate))
            || (IsAny(marked) && IsAny(candidate));

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}

/// <summary>
/// Kestrel's socket transport, except on listeners marked with <see cref="RestateListenOptionsExtensions.UseRestateHttp2"/>:
/// there, connections that open with the HTTP/2 preface (h2c, what Restate uses for <c>http://</c> deployments) are
/// served by DurableAgents' HTTP/2 layer on a reader thread of their own (blocking reads, handler steps resumed on that
/// thread, see <see cref="InlineWatchdog"/>); every other connection (HTTP/1.1, TLS) goes to Kestrel as usual.
/// </summary>
internal sealed class RestateSocketTransportFactory(
    IOptions<SocketTransportOptions> options, ILoggerFactory loggers, IServiceProvider services, RestateTransportMarks marks)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _sockets = new(options, loggers);

    public bool CanBind(EndPoint endpoint) => _sockets.CanBind(endpoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is IPEndPoint ip && marks.TryGet(endpoint, out var prefix))
        {
            var endpointService = services.GetRequiredService<RestateEndpoint>();
            if (endpointService.Options is { DirectHttp2: true, ReaderThreads: true })
            {
                return ValueTask.FromResult<IConnectionListener>(new RestateSocketListener(ip, options.Value, loggers, endpointService,
                    services.GetRequiredService<IServiceScopeFactory>(), prefix));
            }
        }

        return _sockets.BindAsync(endpoint, cancellationToken);
    }
}

/// <summary>One marked listener: accepts, serves h2c connections itself, queues the others for Kestrel.</summary>
internal sealed class RestateSocketListener : IConnectionListener
{
    private static readonly TimeSpan ClassifyTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listen;
    private readonly SocketConnectionContextFactory _kestrelConnections;
    private readonly Channel<ConnectionContext> _forKestrel = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RestateEndpoint _endpoint;
    private readonly IServiceScopeFactory _scopes;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<RestateHttp2Connection> _connections = [];
    private readonly Task _acceptLoop;
    private bool _unbound;
    private long _nextId;

    public RestateSocketListener(IPEndPoint endpoint, SocketTransportOptions options, ILoggerFactory loggers, RestateEndpoint restate,
        IServiceScopeFactory scopes, string prefix)
    {
        _endpoint = restate;
        _scopes = scopes;
        _prefix = prefix;
        _logger = restate.Logger;
        try
        {
            _listen = options.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e); // what Kestrel's address binding expects from a transport
        }

        _listen.Listen(options.Backlog);
        EndPoint = _listen.LocalEndPoint!;
        _kestrelConnections = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions
        {
            IOQueueCount = options.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = options.MaxReadBufferSize,
            MaxWriteBufferSize = options.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
        }, loggers.CreateLogger("DurableAgents.Hosting.RestateSocketTransport"));
        _acceptLoop = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listen.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                lock (_lock)
                {
                    if (_unbound)
                    {
                        break;
                    }
                }

                if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted })
                {
                    continue; // the peer gave up before we accepted
                }

                _logger.LogError(e, "accepting a connection failed");
                break;
            }

            var thread = new Thread(static state =>
            {
                var (listener, accepted) = ((RestateSocketListener, Socket))state!;
                try
                {
                    listener.ServeOrHandOff(accepted);
                }
                catch (Exception e)
                {
                    // A dedicated thread: an exception escaping it would end the process.
                    listener._logger.LogError(e, "serving a connection failed");
                    accepted.Dispose();
                }
            })
            {
                IsBackground = true,
                Name = "Restate h2c",
            };
            thread.UnsafeStart((this, socket));
        }

        _forKestrel.Writer.TryComplete();
    }

    /// <summary>
    /// On the connection's own thread: peeks at the first bytes (blocking, so the socket stays a blocking one; an
    /// asynchronous call would move it to .NET's event loop for good). The HTTP/2 preface is served right here;
    /// anything else goes to Kestrel untouched.
    /// </summary>
    private void ServeOrHandOff(Socket socket)
    {
        var preface = false;
        try
        {
            socket.NoDelay = true;
            socket.ReceiveTimeout = (int)ClassifyTimeout.TotalMilliseconds;
            var peek = new byte[Http2FrameHeader.ClientPreface.Length];
            var waited = 0;
            while (true)
            {
                var n = socket.Receive(peek, SocketFlags.Peek);
                if (n == 0 || !Http2FrameHeader.StartsLikePreface(new(peek, 0, n)))
                {
                    break;
                }

                if (n == peek.Length)
                {
                    preface = true;
                    break;
                }

                if (++waited > ClassifyTimeout.TotalMilliseconds)
                {
                    break;
                }

                Thread.Sleep(1); // a prefix of the preface: wait for the rest
            }

            socket.ReceiveTimeout = 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            socket.ReceiveTimeout = 0; // nothing decisive in time: Kestrel's own timeouts deal with it
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            return;
        }

        if (!preface)
        {
            if (!_forKestrel.Writer.TryWrite(_kestrelConnections.Create(socket)))
            {
                socket.Dispose();
            }

            return;
        }

        var id = $"restate-h2c-{Interlocked.Increment(ref _nextId)}";
        var connection = new RestateHttp2Connection(new H2cSocket(socket, id), _endpoint, _scopes, _prefix);
        lock (_lock)
        {
            if (_unbound)
            {
                socket.Dispose();
                return;
            }

            _connections.Add(connection);
        }

        // Returns when this thread stops reading: the connection ended, or the watchdog moved reading to another thread.
        connection.RunOnReaderThread(() =>
        {
            lock (_lock)
            {
                _connections.Remove(connection);
            }
        });
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (await _forKestrel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_forKestrel.Reader.TryRead(out var connection))
            {
                return connection;
            }
        }

        return null;
    }

    /// <summary>Stops accepting; the connections served here get GOAWAY and finish their streams.</summary>
    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        RestateHttp2Connection[] open;
        lock (_lock)
        {
            _unbound = true;
            open = [.. _connections];
        }

        _listen.Dispose();
        foreach (var connection in open)
        {
            connection.RequestShutdown();
        }

        await _acceptLoop.ConfigureAwait(false);
    }

    /// <summary>Gives the connections served here a few seconds to finish, then closes what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            lock (_lock)
            {
                if (_connections.Count == 0)
                {
                    break;
                }
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        RestateHttp2Connection[] left;
        lock (_lock)
        {
            left = [.. _connections];
        }

        foreach (var connection in left)
        {
            connection.Abort(new ConnectionAbortedException("the server is shutting down"));
        }

        _kestrelConnections.Dispose();
    }
}

/// <summary>
/// A connection's socket in blocking mode: one reader thread at a time receives, whichever thread flushes sends.
/// Synchronous socket calls only (an asynchronous one would move the socket to .NET's event loop).
/// </summary>
internal sealed class H2cSocket(Socket socket, string id)
{
    private int _halves = 2; // reading and writing: the socket is closed when both are done

    public string Id { get; } = id;

    public int Receive(Span<byte> buffer) => socket.Receive(buffer, SocketFlags.None);

    public void Send(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var n = socket.Send(data, SocketFlags.None);
            data = data[n..];
        }
    }

    /// <summary>Makes a blocked <see cref="Receive"/> return 0 (end of input).</summary>
    public void StopReading()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public void ReadingDone() => Release();

    public void CompleteOutput()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        Release();
    }

    public void Abort() => socket.Dispose();

    private void Release()
    {
        if (Interlocked.Decrement(ref _halves) == 0)
        {
            socket.Dispose();
        }
    }
}
