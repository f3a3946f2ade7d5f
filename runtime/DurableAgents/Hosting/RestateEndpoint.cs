using DurableAgents.Definitions;
using DurableAgents.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DurableAgents.Hosting;

/// <summary>
/// Serves the Restate service protocol: <c>GET /discover</c>, <c>POST /invoke/{service}/{handler}</c> and
/// <c>GET /health</c>. One instance per application; each invocation gets its own state machine.
/// </summary>
public sealed class RestateEndpoint
{
    public const string InvocationContentTypeV6 = "application/vnd.restate.invocation.v6";
    public static readonly string ServerHeader = "durableagents-dotnet/" + (typeof(RestateEndpoint).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private readonly RestateEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly RequestIdentityVerifier? _identity;

    public RestateEndpoint(IOptions<RestateEndpointOptions> options, ILogger<RestateEndpoint>? logger = null)
        : this(options.Value, logger)
    {
    }

    public RestateEndpoint(RestateEndpointOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _identity = options.IdentityKeys.Count > 0 ? new RequestIdentityVerifier(options.IdentityKeys) : null;
    }

    public RestateEndpointOptions Options => _options;

    /// <summary><c>GET …/discover</c>: the manifest, in the highest version both sides know.</summary>
    public async Task DiscoverAsync(HttpContext http)
    {
        if (!await AuthorizeAsync(http))
        {
            return;
        }

        var response = Discover(http.Request.Headers.Accept.ToString(), http.Request.Protocol == "HTTP/2");
        http.Response.StatusCode = response.Status;
        http.Response.ContentType = response.ContentType;
        if (response.Status == StatusCodes.Status200OK)
        {
            http.Response.Headers["x-restate-server"] = ServerHeader;
        }

        await http.Response.Body.WriteAsync(response.Body);
    }

    /// <summary><c>GET …/health</c>.</summary>
    public static Task HealthAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        return http.Response.WriteAsync("OK");
    }

    /// <summary><c>POST …/invoke/{service}/{handler}</c>: runs one invocation attempt.</summary>
    public async Task InvokeAsync(HttpContext http, string serviceName, string handlerName)
    {
        if (!await AuthorizeAsync(http))
        {
            return;
        }

        var rejection = ResolveInvocation(serviceName, handlerName, http.Request.ContentType, out var service, out var handler);
        if (rejection is { } r)
        {
            await DrainAsync(http);
            http.Response.StatusCode = r.Status;
            await http.Response.Body.WriteAsync(r.Body);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = InvocationContentTypeV6; // exact echo
        http.Response.Headers["x-restate-server"] = ServerHeader;
        await http.Response.StartAsync(http.RequestAborted);

        await RunInvocationAsync(http.Request.BodyReader, http.Response.BodyWriter, service!, handler!, http.RequestServices, http.RequestAborted);
    }

    // ------------------------------------------------------------------ shared by both HTTP layers

    /// <summary>A complete non-streaming response.</summary>
    internal readonly record struct SimpleResponse(int Status, string ContentType, ReadOnlyMemory<byte> Body)
    {
        public static SimpleResponse Text(int status, string text) => new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text));
    }

    internal static readonly SimpleResponse Healthy = SimpleResponse.Text(StatusCodes.Status200OK, "OK");

    internal ILogger Logger => _logger;

    /// <summary>The discovery response for an <c>Accept</c> header; <paramref name="http2"/> picks the default protocol mode.</summary>
    internal SimpleResponse Discover(string accept, bool http2)
    {
        var version = DiscoveryManifest.NegotiateVersion(accept);
        if (version is null)
        {
            return SimpleResponse.Text(StatusCodes.Status415UnsupportedMediaType,
                $"Unsupported manifest version; this endpoint serves {DiscoveryManifest.ContentType(1)} to {DiscoveryManifest.ContentType(DiscoveryManifest.MaxManifestVersion)}.");
        }

        var mode = _options.ProtocolMode ?? (http2 ? ProtocolMode.BidiStream : ProtocolMode.RequestResponse);
        return new SimpleResponse(StatusCodes.Status200OK, DiscoveryManifest.ContentType(version.Value), DiscoveryManifest.Build(_options.Services, mode, version.Value));
    }

    /// <summary>Null when the request may run; otherwise the response that rejects it (404 or 415).</summary>
    internal SimpleResponse? ResolveInvocation(string serviceName, string handlerName, string? contentType, out ServiceDefinition? service, out HandlerDefinition? handler)
    {
        service = _options.FindService(serviceName);
        handler = service?.FindHandler(handlerName);
        if (service is null || handler is null)
        {
            return SimpleResponse.Text(StatusCodes.Status404NotFound, $"No handler '{serviceName}/{handlerName}' on this endpoint.");
        }

        if (!string.Equals(contentType, InvocationContentTypeV6, StringComparison.Ordinal))
        {
            return SimpleResponse.Text(StatusCodes.Status415UnsupportedMediaType, $"Unsupported service protocol '{contentType}'; this endpoint speaks {InvocationContentTypeV6}.");
        }

        return null;
    }

    /// <summary>True when identity keys are configured (requests must be signed).</summary>
    internal bool RequiresIdentity => _identity is not null;

    /// <summary>Checks the identity headers of a request to <paramref name="path"/> (the raw request target).</summary>
    internal bool Authorize(string scheme, string jwt, string path)
    {
        if (_identity is null || _identity.Verify(scheme, jwt, path, out var reason))
        {
            return true;
        }

        _logger.LogWarning("Rejected request to {Path}: {Reason}", path, reason);
        return false;
    }

    internal static readonly SimpleResponse Unauthorized = SimpleResponse.Text(StatusCodes.Status401Unauthorized, "Unauthorized");

    internal Task<InvocationOutcome> RunInvocationAsync(System.IO.Pipelines.PipeReader input, System.IO.Pipelines.PipeWriter output, ServiceDefinition service,
        HandlerDefinition handler, IServiceProvider services, CancellationToken cancellationToken)
        => InvocationRunner.RunAsync(input, output, service, handler, _options.JsonOptions, services, _options.DrainTimeout, new LoggerSink(_logger), cancellationToken);

    private async ValueTask<bool> AuthorizeAsync(HttpContext http)
    {
        if (_identity is null)
        {
            return true;
        }

        // The audience is the path Restate requested, whatever prefix the endpoint is mounted under.
        var path = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : (http.Request.PathBase + http.Request.Path).ToString();
        if (Authorize(http.Request.Headers[RequestIdentityVerifier.SchemeHeader].ToString(), http.Request.Headers[RequestIdentityVerifier.JwtHeader].ToString(), path))
        {
            return true;
        }

        http.Response.StatusCode = Unauthorized.Status;
        await http.Response.Body.WriteAsync(Unauthorized.Body);
        return false;
    }

    private static async Task DrainAsync(HttpContext http)
    {
        try
        {
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
    }

    private sealed class LoggerSink(ILogger logger) : ILogSink
    {
        public void Debug(string message) => logger.LogDebug("{Message}", message);

        public void Warning(string message) => logger.LogWarning("{Message}", message);
    }
}
