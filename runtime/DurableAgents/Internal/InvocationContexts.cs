using System.Text.Json;
using DurableAgents.Definitions;

namespace DurableAgents.Internal;

/// <summary>Chooses the context of an invocation from its service kind and handler type.</summary>
internal static class InvocationContexts
{
    /// <summary>
    /// Service → <see cref="ServiceContext"/>; Virtual Object → <see cref="SharedObjectContext"/> for shared handlers,
    /// else <see cref="ObjectContext"/>; Workflow → <see cref="SharedWorkflowContext"/> for shared handlers, else
    /// <see cref="WorkflowContext"/>. A handler without a type gets the manifest's default for its service kind
    /// (exclusive for objects, the run handler for workflows).
    /// </summary>
    public static InvocationContext Create(InvocationStateMachine machine, ServiceDefinition service, HandlerDefinition handler, JsonSerializerOptions jsonOptions, IServiceProvider services)
    {
        var core = new InvocationCore(machine, service, handler, jsonOptions, services);
        var shared = handler.Type == HandlerType.Shared;
        return service.Type switch
        {
            ServiceType.VirtualObject => shared ? new SharedObjectContext(core) : new ObjectContext(core),
            ServiceType.Workflow => shared ? new SharedWorkflowContext(core) : new WorkflowContext(core),
            _ => new ServiceContext(core),
        };
    }
}
