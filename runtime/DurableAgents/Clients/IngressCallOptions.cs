namespace DurableAgents.Clients;

/// <summary>Options of a request-response call through the Restate ingress.</summary>
public sealed record IngressCallOptions
{
    /// <summary>
    /// Sent as the <c>idempotency-key</c> header: Restate runs the handler once per key (and target) and answers repeated
    /// requests with the same invocation and result.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Extra request headers; the handler sees them in its request headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The content type of the body (<c>application/json</c> when null). Restate checks it against the handler's manifest.</summary>
    public string? ContentType { get; init; }
}
