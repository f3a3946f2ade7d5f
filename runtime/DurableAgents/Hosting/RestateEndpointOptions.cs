using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;
using DurableAgents.Serialization;

namespace DurableAgents.Hosting;

/// <summary>How the Restate server talks to this endpoint.</summary>
public enum ProtocolMode
{
    /// <summary>HTTP/2 full-duplex streaming: results arrive while the handler runs.</summary>
    BidiStream,

    /// <summary>Request/response (HTTP/1.1 or HTTP/2): the handler suspends at every await not satisfied by the journal.</summary>
    RequestResponse,
}

/// <summary>Configuration of a Restate endpoint: the services it serves and how it talks to Restate.</summary>
public sealed class RestateEndpointOptions
{
    private readonly List<ServiceDefinition> _services = [];
    private readonly List<IJsonTypeInfoResolver> _resolvers = [];
    private JsonSerializerOptions? _jsonOptions;

    public IReadOnlyList<ServiceDefinition> Services => _services;

    /// <summary>
    /// Forces the protocol mode announced at discovery. By default it follows the HTTP version of the discovery
    /// request: HTTP/2 → <see cref="ProtocolMode.BidiStream"/>, HTTP/1.1 → <see cref="ProtocolMode.RequestResponse"/>.
    /// </summary>
    public ProtocolMode? ProtocolMode { get; set; }

    /// <summary>
    /// Request-identity public keys (<c>publickeyv1_…</c>). When any is set, every <c>/discover</c> and <c>/invoke</c>
    /// request must carry a valid Restate JWT signed by one of them (401 otherwise).
    /// </summary>
    public IList<string> IdentityKeys { get; } = new List<string>();

    /// <summary>
    /// The largest request body one <c>POST /invoke</c> may carry, in bytes (it streams the whole journal of an
    /// invocation, then the results that arrive while it runs). Set per request through
    /// <c>IHttpMaxRequestBodySizeFeature</c>, so it replaces Kestrel's global <c>MaxRequestBodySize</c> on this endpoint
    /// only. A request whose <c>Content-Length</c> is larger gets a 413 before anything runs; a stream that grows past it
    /// is ended by Kestrel. Default 128 MiB (four of restate-server's 32 MiB messages); null removes the limit.
    /// </summary>
    public long? MaxInvocationBodySize { get; set; } = DefaultMaxInvocationBodySize;

    /// <summary>The default of <see cref="MaxInvocationBodySize"/>: 128 MiB.</summary>
    public const long DefaultMaxInvocationBodySize = 128L * 1024 * 1024;

    /// <summary>How long to wait for the server to close the request stream after the final message.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adds a service. Names must be unique.</summary>
    public RestateEndpointOptions Bind(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (_services.Any(s => s.Name == service.Name))
        {
            // Idempotent for the same definition object (e.g. registration called twice).
            if (_services.Any(s => ReferenceEquals(s, service)))
            {
                return this;
            }

            throw new InvalidOperationException($"A service named '{service.Name}' is already bound to this endpoint.");
        }

        _services.Add(service);
        if (service.JsonTypeInfoResolver is { } r)
        {
            _resolvers.Add(r);
        }

        _jsonOptions = null;
        return this;
    }

    /// <summary>Adds JSON metadata (e.g. a source-generated context) for types used in steps, state or calls.</summary>
    public RestateEndpointOptions AddJsonTypeInfoResolver(IJsonTypeInfoResolver resolver)
    {
        _resolvers.Add(resolver);
        _jsonOptions = null;
        return this;
    }

    /// <summary>The options used for journaled values: registered resolvers, then built-ins, then reflection if the app allows it.</summary>
    public JsonSerializerOptions JsonOptions
    {
        get
        {
            _jsonOptions ??= JsonSerde.CreateOptions(_resolvers);
            return _jsonOptions;
        }
    }

    internal ServiceDefinition? FindService(string name)
    {
        foreach (var s in _services)
        {
            if (string.Equals(s.Name, name, StringComparison.Ordinal))
            {
                return s;
            }
        }

        return null;
    }
}
