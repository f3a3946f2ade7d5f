using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>A Restate service (Service, Virtual Object or Workflow) and its handlers.</summary>
public sealed class ServiceDefinition
{
    public required string Name { get; init; }

    public required ServiceType Type { get; init; }

    public required IReadOnlyList<HandlerDefinition> Handlers { get; init; }

    /// <summary>Manifest options (documentation, timeouts, retention, retry policy…).</summary>
    public ServiceOptions? Options { get; init; }

    /// <summary>The JSON metadata (usually a source-generated context) for the types this service journals.</summary>
    public IJsonTypeInfoResolver? JsonTypeInfoResolver { get; init; }

    public HandlerDefinition? FindHandler(string name)
    {
        foreach (var h in Handlers)
        {
            if (string.Equals(h.Name, name, StringComparison.Ordinal))
            {
                return h;
            }
        }

        return null;
    }
}
