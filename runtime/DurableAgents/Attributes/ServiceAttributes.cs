namespace DurableAgents;

/// <summary>Marks a partial class as a Restate <c>Service</c>: stateless handlers, invoked by name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ServiceAttribute : Attribute
{
    public ServiceAttribute() { }
    public ServiceAttribute(string name) => Name = name;

    /// <summary>The service name registered with Restate; the class name when omitted.</summary>
    public string? Name { get; }
}

/// <summary>Marks a partial class as a Restate <c>Virtual Object</c>: keyed state, exclusive handlers per key.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class VirtualObjectAttribute : Attribute
{
    public VirtualObjectAttribute() { }
    public VirtualObjectAttribute(string name) => Name = name;

    public string? Name { get; }
}

/// <summary>Marks a partial class as a Restate <c>Workflow</c>: one <c>run</c> handler per key plus shared handlers.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WorkflowAttribute : Attribute
{
    public WorkflowAttribute() { }
    public WorkflowAttribute(string name) => Name = name;

    public string? Name { get; }
}

/// <summary>
/// Marks a method as a handler. It takes the matching context (or none) plus zero or one input and returns
/// <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.
/// In a Virtual Object the handler is exclusive; in a Workflow the handler that takes
/// <see cref="IWorkflowContext"/> is the workflow's <c>run</c> handler.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class HandlerAttribute : Attribute
{
    public HandlerAttribute() { }
    public HandlerAttribute(string name) => Name = name;

    /// <summary>The handler name; the method name (without an <c>Async</c> suffix, camel-cased) when omitted.</summary>
    public string? Name { get; }
}

/// <summary>
/// Marks a method as a shared handler of a Virtual Object or Workflow: it runs concurrently with other handlers of
/// the same key and can read but not write state (it receives <see cref="ISharedObjectContext"/> or
/// <see cref="ISharedWorkflowContext"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SharedHandlerAttribute : Attribute
{
    public SharedHandlerAttribute() { }
    public SharedHandlerAttribute(string name) => Name = name;

    public string? Name { get; }
}

/// <summary>
/// Tells the replay-safety analyzers that a method is deterministic even though it calls APIs they would flag
/// (for example a clock read that only feeds a log line). Use sparingly: the analyzers trust it.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class DeterministicAttribute : Attribute
{
    public DeterministicAttribute() { }
    public DeterministicAttribute(string justification) => Justification = justification;

    public string? Justification { get; }
}
