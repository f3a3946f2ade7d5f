namespace DurableAgents.Streaming;

/// <summary>Options of run event streaming (<c>services.AddDurableAgentStreams(o => ...)</c>).</summary>
public sealed class DurableAgentStreamOptions
{
    /// <summary>The environment variable read for <see cref="IngressUri"/> when it is not set.</summary>
    public const string IngressVariable = "RESTATE_INGRESS_URL";

    /// <summary>
    /// The Restate ingress this service publishes live deltas to and the stream endpoints read the logs from. Null: the
    /// <c>RESTATE_INGRESS_URL</c> environment variable, else <c>http://127.0.0.1:8080/</c>.
    /// </summary>
    public Uri? IngressUri { get; set; }

    /// <summary>Publish live text deltas of streaming model calls (<see cref="Agents.DurableAgentOptions.Streaming"/>). Journaled events are always published.</summary>
    public bool PublishLiveDeltas { get; set; } = true;

    /// <summary>How long deltas are gathered into one batch while a batch is in flight.</summary>
    public TimeSpan DeltaBatchInterval { get; set; } = TimeSpan.FromMilliseconds(75);

    /// <summary>How long a finished model step waits for its last deltas to be handed to the ingress (they are dropped after that).</summary>
    public TimeSpan DeltaFlushTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a run's log is kept after its first event.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The bounds of one run's log.</summary>
    public RunEventLimits Limits { get; set; } = RunEventLimits.Default;

    /// <summary>The first poll interval of a stream that has caught up; it doubles up to <see cref="MaxPollInterval"/> while nothing arrives.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest poll interval.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most streams this process serves at once (more get 503).</summary>
    public int MaxOpenStreams { get; set; } = 1000;

    /// <summary>How long one stream stays open at most; the client reconnects with <c>Last-Event-ID</c>.</summary>
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A comment line is written when nothing else was for this long (keeps proxies from closing the stream).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a stream waits for the first event of a run whose log is empty (an unknown run, or one not started yet).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    internal Uri ResolveIngress()
    {
        var uri = IngressUri ?? (Environment.GetEnvironmentVariable(IngressVariable) is { Length: > 0 } v ? new Uri(v) : new Uri("http://127.0.0.1:8080/"));
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
