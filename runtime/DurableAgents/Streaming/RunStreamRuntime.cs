using DurableAgents.Clients;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents.Streaming;

/// <summary>The process-wide streaming services (a singleton registered by <c>AddDurableAgentStreams</c>): options and the ingress client.</summary>
internal sealed class RunStreamRuntime : IDisposable
{
    private int _openStreams;

    public RunStreamRuntime(DurableAgentStreamOptions options, ILoggerFactory? loggers)
    {
        Options = options;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = options.ResolveIngress(),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Ingress = new IngressClient(Http);
        Logger = loggers?.CreateLogger("DurableAgents.Streaming") ?? NullLogger.Instance;
    }

    public DurableAgentStreamOptions Options { get; }

    public HttpClient Http { get; }

    public IngressClient Ingress { get; }

    public ILogger Logger { get; }

    /// <summary>Claims a stream slot; false when <see cref="DurableAgentStreamOptions.MaxOpenStreams"/> are open.</summary>
    public bool TryOpenStream()
    {
        if (Interlocked.Increment(ref _openStreams) <= Options.MaxOpenStreams)
        {
            return true;
        }

        Interlocked.Decrement(ref _openStreams);
        return false;
    }

    public void CloseStream() => Interlocked.Decrement(ref _openStreams);

    public void Dispose() => Http.Dispose();
}
