using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DurableAgents.Hosting;

/// <summary>
/// The Kestrel limits that <see cref="RestateKestrelExtensions.ConfigureRestateKestrel"/> applies (and
/// <see cref="RestateHost"/> applies by default). Each one is written to <c>KestrelServerOptions</c> before any of the
/// application's own Kestrel configuration runs, so a value the application sets with <c>ConfigureKestrel</c> wins.
/// docs/performance-tuning.md explains every default.
/// </summary>
public sealed class RestateKestrelOptions
{
    /// <summary>
    /// The protocols of every listener whose own configuration does not set them (endpoints from <c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c> or <c>ListenLocalhost(port)</c> without a callback). Default
    /// <see cref="HttpProtocols.Http2"/>: Restate calls an <c>http://</c> deployment with HTTP/2 prior knowledge (h2c),
    /// which a cleartext <c>Http1AndHttp2</c> listener (Kestrel's default) cannot serve: it falls back to HTTP/1.1 and
    /// logs "HTTP/2 is not enabled". Set <see cref="HttpProtocols.Http1"/> (here or on one listener) only for a
    /// deployment registered with <c>use_http_11</c>; <c>null</c> leaves Kestrel's default.
    /// </summary>
    public HttpProtocols? Protocols { get; set; } = HttpProtocols.Http2;

    /// <summary>
    /// HTTP/2 <c>SETTINGS_MAX_CONCURRENT_STREAMS</c>: Restate multiplexes many invocations over few connections, so
    /// Kestrel's 100 would cap a deployment's concurrency per connection. Default 256 (twice the concurrency 128 that
    /// the benchmarks drive); streams past it are refused, and Kestrel closes a connection that keeps opening them.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>HTTP/2 initial stream receive window. Default 1 MiB (Kestrel: 768 KiB): a journal message of up to 1 MiB in one round trip.</summary>
    public int InitialStreamWindowSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// HTTP/2 initial connection receive window: the most unread request data one connection can make the service hold.
    /// Default 4 MiB (Kestrel: 1 MiB).
    /// </summary>
    public int InitialConnectionWindowSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>HTTP/2 <c>SETTINGS_MAX_FRAME_SIZE</c>. Default 16 KiB (the protocol minimum, Kestrel's default).</summary>
    public int MaxFrameSize { get; set; } = 16 * 1024;

    /// <summary>HTTP/2 <c>SETTINGS_HEADER_TABLE_SIZE</c> (the HPACK dynamic table a peer may make us keep). Default 4 KiB.</summary>
    public int HeaderTableSize { get; set; } = 4096;

    /// <summary>Largest single decoded header field (name plus value). Default 16 KiB (a Restate identity JWT is under 1 KiB).</summary>
    public int MaxRequestHeaderFieldSize { get; set; } = 16 * 1024;

    /// <summary>Largest decoded header list of a request (HTTP/1.1 and HTTP/2). Default 32 KiB.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Most header fields in one request. Default 64 (Restate sends about ten).</summary>
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>
    /// Send an HTTP/2 PING after this long without receiving a frame, to find a dead peer under a long-running bidi
    /// invocation. Default 30 s (Kestrel: off).
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Close the connection when a keep-alive PING is not answered within this time. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Close a connection without open streams after this long. Default 120 s (Kestrel: 130 s); Restate reconnects.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Time a client has to send a request's headers: Kestrel's <c>RequestHeadersTimeout</c> (HTTP/1.1), and for HTTP/2
    /// the connection guard's limit on the preface plus the first complete HEADERS and on each later header block.
    /// Default 10 s (Kestrel: 30 s).
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Install the HTTP/2 connection guard on every listener (a frame-header meter in front of Kestrel's HTTP/2, see
    /// docs/performance-tuning.md): it closes connections that flood CONTINUATION or RST_STREAM frames or trickle their
    /// headers. Default true.
    /// </summary>
    public bool ConnectionGuard { get; set; } = true;

    /// <summary>Guard: most CONTINUATION frames in one header block. Default 16 (a 32 KiB header list needs at most 2).</summary>
    public int MaxContinuationFrames { get; set; } = 16;

    /// <summary>
    /// Guard: the RST_STREAM budget of a connection, a token bucket of this many frames that refills at
    /// <see cref="RstStreamsPerSecond"/>. Default 1,000.
    /// </summary>
    public int RstStreamBurst { get; set; } = 1000;

    /// <summary>Guard: the sustained RST_STREAM frames per second a connection may send. Default 200.</summary>
    public int RstStreamsPerSecond { get; set; } = 200;
}
