using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>Options that go into the discovery manifest for a service. Only fields the negotiated manifest version knows are sent.</summary>
public record ServiceOptions
{
    /// <summary>Manifest v2+.</summary>
    public string? Documentation { get; init; }

    /// <summary>Manifest v2+.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Manifest v3+.</summary>
    public TimeSpan? InactivityTimeout { get; init; }

    /// <summary>Manifest v3+.</summary>
    public TimeSpan? AbortTimeout { get; init; }

    /// <summary>Manifest v3+.</summary>
    public TimeSpan? JournalRetention { get; init; }

    /// <summary>Manifest v3+.</summary>
    public TimeSpan? IdempotencyRetention { get; init; }

    /// <summary>Manifest v3+.</summary>
    public bool? IngressPrivate { get; init; }

    /// <summary>Manifest v3+.</summary>
    public bool? EnableLazyState { get; init; }

    /// <summary>Manifest v4+.</summary>
    public TimeSpan? RetryPolicyInitialInterval { get; init; }

    /// <summary>Manifest v4+.</summary>
    public TimeSpan? RetryPolicyMaxInterval { get; init; }

    /// <summary>Manifest v4+.</summary>
    public int? RetryPolicyMaxAttempts { get; init; }

    /// <summary>Manifest v4+.</summary>
    public double? RetryPolicyExponentiationFactor { get; init; }

    /// <summary>Manifest v4+: what happens when attempts are exhausted.</summary>
    public OnMaxAttempts? RetryPolicyOnMaxAttempts { get; init; }
}
