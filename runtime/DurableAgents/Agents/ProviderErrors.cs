using System.ClientModel;
using System.Globalization;
using System.Net;

namespace DurableAgents.Agents;

/// <summary>
/// Classifies model-provider failures for durable retries: HTTP 429 becomes a <see cref="RetryAfterException"/> when the
/// provider said when to come back, other 4xx (except 408 and 429) become a <see cref="TerminalException"/> with the
/// provider's status (retrying a bad request cannot help), everything else stays retryable.
/// </summary>
public static class ProviderErrors
{
    /// <summary>The exception to throw from a step for <paramref name="error"/>; the error itself when it stays retryable.</summary>
    public static Exception Classify(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        switch (error)
        {
            case TerminalException or RetryAfterException or OperationCanceledException:
                return error;
            case ClientResultException cre when cre.Status > 0:
            {
                string? retryAfter = null;
                var raw = cre.GetRawResponse();
                if (raw is not null && raw.Headers.TryGetValue("Retry-After", out var value))
                {
                    retryAfter = value;
                }

                return ForStatus(cre.Status, cre.Message, retryAfter, error);
            }

            case HttpRequestException { StatusCode: { } status }:
                return ForStatus((int)status, error.Message, null, error);
            default:
                return error;
        }
    }

    /// <summary>The classification of an HTTP status (with its optional <c>Retry-After</c> header value).</summary>
    public static Exception ForStatus(int status, string message, string? retryAfterHeader, Exception inner)
    {
        if (status == (int)HttpStatusCode.TooManyRequests)
        {
            return ParseRetryAfter(retryAfterHeader) is { } delay
                ? new RetryAfterException(delay, $"The model provider is rate limiting (429); retrying after {delay.TotalSeconds:0.###} s. {message}", inner)
                : inner;
        }

        if (status is >= 400 and < 500 && status != (int)HttpStatusCode.RequestTimeout)
        {
            return new TerminalException($"The model provider rejected the request ({status}): {message}", (ushort)status, inner);
        }

        return inner;
    }

    /// <summary>Parses a <c>Retry-After</c> value: delta seconds (fractions accepted) or an HTTP date.</summary>
    public static TimeSpan? ParseRetryAfter(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && double.IsFinite(seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delta = date - DateTimeOffset.UtcNow;
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        return null;
    }
}
