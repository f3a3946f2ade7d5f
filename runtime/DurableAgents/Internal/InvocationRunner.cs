using System.IO.Pipelines;
using System.Text.Json;
using DurableAgents.Definitions;
using DurableAgents.Hosting;

namespace DurableAgents.Internal;

/// <summary>Starts a handler on a state machine whose journal has arrived, and ends the machine with its result.</summary>
internal static class InvocationRunner
{
    /// <summary>Runs one invocation attempt over a pair of pipes (<see cref="InvocationTransport"/>): the endpoint's and the journal harness's path.</summary>
    public static Task<InvocationOutcome> RunAsync(PipeReader input, PipeWriter output, ServiceDefinition service, HandlerDefinition handler,
        JsonSerializerOptions jsonOptions, IServiceProvider services, TimeSpan drainTimeout, ILogSink? log, CancellationToken cancellationToken)
        => InvocationTransport.RunAsync(input, output, service, handler, jsonOptions, services, drainTimeout, log, cancellationToken);

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
