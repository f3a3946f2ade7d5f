using DurableAgents.Definitions;
using DurableAgents.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
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
    private readonly ILogSink _logSink;
    private readonly RequestIdentityVerifier? _identity;

    public RestateEndpoint(IOptions<RestateEndpointOptions> options, ILogger<RestateEndpoint>? logger = null)
        : this(options.Value, logger)
    {
    }

    public RestateEndpoint(RestateEndpointOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _logSink = new LoggerSink(_logger);
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
            await WriteTextAsync(http, StatusCodes.Status415UnsupportedMediaType,
                $"Unsupported manifest version; this endpoint serves {DiscoveryManifest.ContentType(1)} to {DiscoveryManifest.ContentType(DiscoveryManifest.MaxManifestVersion)}.");
            return;
        }

        var mode = _options.ProtocolMode ?? (http.Request.Protocol == "HTTP/2" ? ProtocolMode.BidiStream : ProtocolMode.RequestResponse);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = DiscoveryManifest.ContentType(version.Value);
        http.Response.Headers["x-restate-server"] = ServerHeader;
        await http.Response.Body.WriteAsync(DiscoveryManifest.Build(_options.Services, mode, version.Value));
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
        // A bidi invocation stream carries the whole journal and may then be silent for minutes while the handler runs:
        // a large but finite body limit for this request only, and no minimum data rate (Kestrel's global default of
        // 240 bytes/s would kill a waiting invocation).
        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        if (!await AuthorizeAsync(http))
        {
            return;
        }

        var limit = _options.MaxInvocationBodySize;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (limit is { } max && http.Request.ContentLength > max)
        {
            await WriteTextAsync(http, StatusCodes.Status413PayloadTooLarge,
                $"The invocation body of {http.Request.ContentLength} bytes exceeds this endpoint's limit of {max} bytes (RestateEndpointOptions.MaxInvocationBodySize).");
            return;
        }

        var service = _options.FindService(serviceName);
        var handler = service?.FindHandler(handlerName);
        if (service is null || handler is null)
        {
            await DrainAsync(http);
            await WriteTextAsync(http, StatusCodes.Status404NotFound, $"No handler '{serviceName}/{handlerName}' on this endpoint.");
            return;
        }

        var contentType = http.Request.ContentType;
        if (!string.Equals(contentType, InvocationContentTypeV6, StringComparison.Ordinal))
        {
            await DrainAsync(http);
            await WriteTextAsync(http, StatusCodes.Status415UnsupportedMediaType, $"Unsupported service protocol '{contentType}'; this endpoint speaks {InvocationContentTypeV6}.");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = InvocationContentTypeV6; // exact echo
        http.Response.Headers["x-restate-server"] = ServerHeader;
        await http.Response.StartAsync(http.RequestAborted);

        await InvocationTransport.RunAsync(http.Request.BodyReader, http.Response.BodyWriter, service, handler, _options.JsonOptions, http.RequestServices,
            _options.DrainTimeout, _logSink, http.RequestAborted);
    }

    private async ValueTask<bool> AuthorizeAsync(HttpContext http)
    {
        if (_identity is null)
        {
            return true;
        }

        // The audience is the path Restate requested, whatever prefix the endpoint is mounted under.
        var path = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : (http.Request.PathBase + http.Request.Path).ToString();
        if (_identity.Verify(http.Request.Headers[RequestIdentityVerifier.SchemeHeader].ToString(), http.Request.Headers[RequestIdentityVerifier.JwtHeader].ToString(), path, out var reason))
        {
            return true;
        }

        _logger.LogWarning("Rejected request to {Path}: {Reason}", path, reason);
        await WriteTextAsync(http, StatusCodes.Status401Unauthorized, "Unauthorized");
        return false;
    }

    private static async Task WriteTextAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
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
