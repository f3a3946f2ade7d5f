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

/// <summary>Options of a one-way send through the Restate ingress.</summary>
public sealed record IngressSendOptions
{
    /// <summary>Sent as the <c>idempotency-key</c> header: a repeated send with the same key is accepted only once.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Extra request headers; the handler sees them in its request headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The content type of the body (<c>application/json</c> when null).</summary>
    public string? ContentType { get; init; }

    /// <summary>Run the handler after this delay (a durable timer kept by Restate; sent as <c>?delay=…ms</c>).</summary>
    public TimeSpan? Delay { get; init; }
}

/// <summary>The answer of Restate to a send (HTTP 202).</summary>
/// <param name="InvocationId">The id of the invocation that was created (or found, for a repeated idempotent send).</param>
/// <param name="Status">Restate's status: <c>Accepted</c>, or <c>PreviouslyAccepted</c> for a repeated idempotent send.</param>
/// <param name="ExecutionTime">When a delayed invocation is scheduled to run; null for an immediate one.</param>
public sealed record SendResponse(string InvocationId, string Status, DateTimeOffset? ExecutionTime);
