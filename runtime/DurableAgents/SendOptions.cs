namespace DurableAgents;

/// <summary>Options of a one-way call.</summary>
public sealed record SendOptions
{
    public string? IdempotencyKey { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Run the target after this delay (a durable timer kept by Restate).</summary>
    public TimeSpan? Delay { get; init; }

    public string? Name { get; init; }
}
