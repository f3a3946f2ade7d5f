using System.Globalization;

namespace DurableAgents.Clients;

/// <summary>A non-success answer of the Restate admin API, e.g. a deployment that could not be discovered (<c>META0003</c>).</summary>
public sealed class RestateAdminException : Exception
{
    /// <summary>Creates the exception from the parts of an error answer.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="restateCode">The <c>restate_code</c> of the JSON error body (e.g. <c>META0013</c>), when there was one.</param>
    /// <param name="restateMessage">The <c>message</c> of the JSON error body (or the raw body).</param>
    /// <param name="innerException">The cause, if any.</param>
    public RestateAdminException(int statusCode, string? restateCode, string restateMessage, Exception? innerException = null)
        : base(string.Create(CultureInfo.InvariantCulture, $"Restate admin API answered {statusCode}: {restateMessage}"), innerException)
    {
        StatusCode = statusCode;
        RestateCode = restateCode;
        RestateMessage = restateMessage;
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public int StatusCode { get; }

    /// <summary>Restate's error code (<c>restate_code</c>, e.g. <c>META0013</c>); null for errors without one (e.g. a plain 404).</summary>
    public string? RestateCode { get; }

    /// <summary>The <c>message</c> field of the JSON error body; the raw body when it was not JSON.</summary>
    public string RestateMessage { get; }
}
