using System.Collections.Concurrent;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace DurableAgents.Mcp;

/// <summary>
/// The connected MCP clients of a process, one per server description (<see cref="McpServer.ConnectionKey"/>), shared by
/// all runs and thread-safe. A client is created lazily, inside a journaled step's closure (so never during replay), and
/// a dead one (the process exited, the HTTP session expired, the transport closed) is dropped and re-created on the next
/// call. Registered as a singleton by <c>AddRestate</c> (disposed with the host); <see cref="Shared"/> serves handlers
/// without a service provider.
/// </summary>
internal sealed class McpSessions : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>The process-wide cache for handlers that run without a service provider.</summary>
    public static McpSessions Shared { get; } = new();

    /// <summary>The host's cache when it has one, else <see cref="Shared"/>.</summary>
    public static McpSessions For(IContext context)
        => context is Definitions.IHandlerContext { Services: { } services } && services.GetService(typeof(McpSessions)) is McpSessions own ? own : Shared;

    /// <summary>The live client of <paramref name="server"/>, connecting first when there is none (or it died).</summary>
    public async Task<McpClient> GetAsync(McpServer server, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entry = _entries.GetOrAdd(server.ConnectionKey(), static _ => new Entry());
        if (entry.Client is { } live && !live.Completion.IsCompleted)
        {
            return live;
        }

        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (entry.Client is { } current)
            {
                if (!current.Completion.IsCompleted)
                {
                    return current;
                }

                entry.Client = null;
                await DisposeQuietlyAsync(current).ConfigureAwait(false);
            }

            var client = await ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            entry.Client = client;
            return client;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="client"/> (if it is still the cached one) and disposes it: the next call reconnects.</summary>
    public async Task DropAsync(McpServer server, McpClient client)
    {
        if (_entries.TryGetValue(server.ConnectionKey(), out var entry)
            && ReferenceEquals(Interlocked.CompareExchange(ref entry.Client, null, client), client))
        {
            await DisposeQuietlyAsync(client).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every session (stdio servers are stopped).</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var entry in _entries.Values)
        {
            if (Interlocked.Exchange(ref entry.Client, null) is { } client)
            {
                await DisposeQuietlyAsync(client).ConfigureAwait(false);
            }
        }
    }

    private static async Task<McpClient> ConnectAsync(McpServer server, CancellationToken cancellationToken)
    {
        IClientTransport transport;
        if (server.Transport == McpTransportKind.Stdio)
        {
            transport = new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = server.Name,
                Command = server.Command!,
                Arguments = server.Arguments.ToList(),
                EnvironmentVariables = new Dictionary<string, string?>(server.Environment),
                WorkingDirectory = server.WorkingDirectory,
            });
        }
        else
        {
            transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Name = server.Name,
                Endpoint = server.Endpoint!,
                TransportMode = HttpTransportMode.StreamableHttp,
                ConnectionTimeout = server.ConnectTimeout,
                AdditionalHeaders = new Dictionary<string, string>(server.Headers),
            });
        }

        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "DurableAgents", Version = typeof(McpSessions).Assembly.GetName().Version?.ToString() ?? "0" },
            InitializationTimeout = server.ConnectTimeout,
        };

        // The connection outlives the step that makes it: only the connect timeout bounds it, the caller stops waiting on its own token.
        using var timeout = new CancellationTokenSource(server.ConnectTimeout);
        try
        {
            return await McpClient.CreateAsync(transport, options, loggerFactory: null, timeout.Token).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {server} took longer than {server.ConnectTimeout}.");
        }
    }

    private static async Task DisposeQuietlyAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A dead session may fail to close; it is dropped either way.
        }
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public McpClient? Client;
    }
}
