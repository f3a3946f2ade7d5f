namespace DurableAgents.Clients;

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
