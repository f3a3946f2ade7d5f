using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

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
