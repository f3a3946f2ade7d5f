using System.Globalization;

namespace DurableAgents.Clients;

/// <summary>
/// A non-success answer of the Restate ingress: an ingress error (unknown service, bad request, …) or the terminal
/// failure of the invocation, whose code Restate keeps as the HTTP status (e.g. 409 for a cancelled invocation).
/// </summary>
public class RestateIngressException : Exception
{
    /// <summary>Creates the exception from the parts of an error answer.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="code">The <c>code</c> of the JSON error body, when there was one.</param>
    /// <param name="restateMessage">The <c>message</c> of the JSON error body (or the raw body).</param>
    /// <param name="source">Who produced the error: <c>ingress</c> or <c>invocation</c>, when known.</param>
    /// <param name="invocationId">The <c>x-restate-id</c> header, when present.</param>
    /// <param name="innerException">The cause, if any.</param>
    public RestateIngressException(int statusCode, int? code, string restateMessage, string? source, string? invocationId, Exception? innerException = null)
        : base(Describe(statusCode, code, restateMessage, source, invocationId), innerException)
    {
        StatusCode = statusCode;
        Code = code;
        RestateMessage = restateMessage;
        Source = source;
        InvocationId = invocationId;
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public int StatusCode { get; }

    /// <summary>The <c>code</c> field of Restate's JSON error body (the terminal failure code for invocation errors).</summary>
    public int? Code { get; }

    /// <summary>The <c>message</c> field of Restate's JSON error body; the raw body when it was not JSON.</summary>
    public string RestateMessage { get; }

    /// <summary>
    /// Who produced the error: <c>ingress</c> (routing, validation) or <c>invocation</c> (the handler's terminal failure),
    /// from the body's <c>source</c> or the <c>x-restate-error-source</c> header.
    /// </summary>
    public new string? Source { get; }

    /// <summary>The invocation id from the <c>x-restate-id</c> header, when Restate sent one.</summary>
    public string? InvocationId { get; }

    private static string Describe(int statusCode, int? code, string message, string? source, string? invocationId)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"Restate ingress answered {statusCode}");
        if (code is { } c && c != statusCode)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" (code {c})");
        }

        if (source is not null)
        {
            text += $" from {source}";
        }

        if (invocationId is not null)
        {
            text += $" for {invocationId}";
        }

        return string.IsNullOrEmpty(message) ? text + "." : $"{text}: {message}";
    }
}
