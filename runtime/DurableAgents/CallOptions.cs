namespace DurableAgents;

/// <summary>Options of a request-response call.</summary>
public sealed record CallOptions
{
    /// <summary>Restate de-duplicates calls with the same key to the same handler.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Headers passed to the callee (visible in its <see cref="IContext.RequestHeaders"/>).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>A name for the journal entry (shown in the Restate UI).</summary>
    public string? Name { get; init; }
}
