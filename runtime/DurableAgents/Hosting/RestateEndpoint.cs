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

        var version = DiscoveryManifest.NegotiateVersion(http.Request.Headers.Accept.ToString());
        if (version is null)
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await http.Response.WriteAsync($"Unsupported manifest version; this endpoint serves {DiscoveryManifest.ContentType(1)} to {DiscoveryManifest.ContentType(DiscoveryManifest.MaxManifestVersion)}.");
            return;
        }

        var mode = _options.ProtocolMode ?? (http.Request.Protocol == "HTTP/2" ? ProtocolMode.BidiStream : ProtocolMode.RequestResponse);
        var body = DiscoveryManifest.Build(_options.Services, mode, version.Value);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = DiscoveryManifest.ContentType(version.Value);
        http.Response.Headers["x-restate-server"] = ServerHeader;
        await http.Response.Body.WriteAsync(body);
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

        var service = _options.FindService(serviceName);
        var handler = service?.FindHandler(handlerName);
        if (service is null || handler is null)
        {
            await DrainAsync(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync($"No handler '{serviceName}/{handlerName}' on this endpoint.");
            return;
        }

        var contentType = http.Request.ContentType;
        if (!string.Equals(contentType, InvocationContentTypeV6, StringComparison.Ordinal))
        {
            await DrainAsync(http);
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await http.Response.WriteAsync($"Unsupported service protocol '{contentType}'; this endpoint speaks {InvocationContentTypeV6}.");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType; // exact echo
        http.Response.Headers["x-restate-server"] = ServerHeader;
        await http.Response.StartAsync(http.RequestAborted);

        await InvocationRunner.RunAsync(http.Request.BodyReader, http.Response.BodyWriter, service, handler, _options.JsonOptions, http.RequestServices,
            _options.DrainTimeout, new LoggerSink(_logger), http.RequestAborted);
    }

    private async ValueTask<bool> AuthorizeAsync(HttpContext http)
    {
        if (_identity is null)
        {
            return true;
        }

        // The audience is the path Restate requested, whatever prefix the endpoint is mounted under.
        var path = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : (http.Request.PathBase + http.Request.Path).ToString();
        if (_identity.Verify(http.Request.Headers, path, out var reason))
        {
            return true;
        }

        _logger.LogWarning("Rejected request to {Path}: {Reason}", http.Request.Path, reason);
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await http.Response.WriteAsync("Unauthorized");
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
