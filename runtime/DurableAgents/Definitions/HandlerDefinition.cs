using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>One handler of a <see cref="ServiceDefinition"/>.</summary>
public sealed class HandlerDefinition
{
    public required string Name { get; init; }

    /// <summary>Exclusive/Shared for Virtual Objects, Workflow/Shared for Workflows, null for Services.</summary>
    public HandlerType? Type { get; init; }

    public required HandlerInvoker Invoker { get; init; }

    /// <summary>The accepted input content type; null when the handler takes no input.</summary>
    public string? InputContentType { get; init; } = "application/json";

    /// <summary>Whether an input body is required.</summary>
    public bool InputRequired { get; init; }

    /// <summary>JSON Schema of the input (a JSON document), if known.</summary>
    public string? InputJsonSchema { get; init; }

    /// <summary>The output content type; null when the handler returns nothing.</summary>
    public string? OutputContentType { get; init; } = "application/json";

    /// <summary>JSON Schema of the output (a JSON document), if known.</summary>
    public string? OutputJsonSchema { get; init; }

    public HandlerOptions? Options { get; init; }
}
