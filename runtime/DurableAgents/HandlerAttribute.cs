namespace DurableAgents;

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
