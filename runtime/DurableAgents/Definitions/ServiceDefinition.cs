using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>The kind of a Restate service.</summary>
public enum ServiceType
{
    Service,
    VirtualObject,
    Workflow,
}

/// <summary>The kind of a handler of a Virtual Object or Workflow (null for plain services).</summary>
public enum HandlerType
{
    Exclusive,
    Shared,
    Workflow,
}

/// <summary>
/// Invokes one handler: deserialize the input, call user code with the context, serialize the output. Emitted by the
/// generator (or written by hand); no reflection on the invocation path.
/// </summary>
public delegate ValueTask<ReadOnlyMemory<byte>> HandlerInvoker(IHandlerContext context, ReadOnlyMemory<byte> input);

/// <summary>
/// The context handed to a <see cref="HandlerInvoker"/>: <see cref="IContext"/> plus the request's services. It is
/// also exactly the context interface of the handler's kind, and no other: a Service handler's context is only an
/// <see cref="IContext"/>; a shared Virtual Object handler's an <see cref="ISharedObjectContext"/>; an exclusive one's an
/// <see cref="IObjectContext"/>; a shared Workflow handler's an <see cref="ISharedWorkflowContext"/>; a Workflow run
/// handler's an <see cref="IWorkflowContext"/>. Invokers cast it to the interface their handler method takes.
/// </summary>
public interface IHandlerContext : IContext
{
    /// <summary>The request-scoped service provider (resolve the handler's class and its dependencies here).</summary>
    IServiceProvider Services { get; }

    /// <summary>The handler being invoked.</summary>
    HandlerDefinition Handler { get; }
}

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

/// <summary>Options that go into the discovery manifest for a handler.</summary>
public sealed record HandlerOptions : ServiceOptions
{
    /// <summary>Manifest v3+, workflow run handlers only.</summary>
    public TimeSpan? WorkflowCompletionRetention { get; init; }
}

public enum OnMaxAttempts
{
    Pause,
    Kill,
}
