using System.Text.Json;
using DurableAgents.Definitions;

namespace DurableAgents.Internal;

/// <summary>Starts a handler on a state machine whose journal has arrived, and ends the machine with its result.</summary>
internal static class InvocationRunner
{
    /// <summary>Runs <paramref name="handler"/> on <paramref name="machine"/> (Ready must have completed); returns when the handler returns.</summary>
    public static Task StartHandler(InvocationStateMachine machine, ServiceDefinition service, HandlerDefinition handler, JsonSerializerOptions jsonOptions,
        IServiceProvider services)
    {
        var context = InvocationContexts.Create(machine, service, handler, jsonOptions, services);
        return RunHandlerAsync(context, handler);
    }

    private static async Task RunHandlerAsync(InvocationContext context, HandlerDefinition handler)
    {
        var machine = context.Machine;
        try
        {
            var output = await handler.Invoker(context, machine.Input.Value?.Content.Memory ?? ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            machine.Complete(output);
        }
        catch (Exception e)
        {
            machine.Fail(e);
        }
    }
}
