using System.IO.Pipelines;
using System.Text.Json;
using DurableAgents.Definitions;
using DurableAgents.Observability;

namespace DurableAgents.Internal;

/// <summary>Runs one invocation attempt over a pair of pipes: the same path for the HTTP endpoint and the journal harness.</summary>
internal static class InvocationRunner
{
    public static async Task<InvocationOutcome> RunAsync(PipeReader input, PipeWriter output, ServiceDefinition service, HandlerDefinition handler,
        JsonSerializerOptions jsonOptions, IServiceProvider services, TimeSpan drainTimeout, ILogSink? log, CancellationToken cancellationToken)
    {
        using var activity = DurableAgentsTelemetry.StartInvocation(service, handler);
        var machine = new InvocationStateMachine(log);
        var reader = machine.RunReaderAsync(input, cancellationToken);
        var writer = machine.RunWriterAsync(output, cancellationToken);

        await machine.Ready.ConfigureAwait(false);
        DurableAgentsTelemetry.InvocationStarted(activity, machine);
        if (!machine.IsClosed)
        {
            var context = InvocationContexts.Create(machine, service, handler, jsonOptions, services);
            // Ready completes after the batch that finished the journal, on the thread that read it (a thread-pool or a
            // connection's reader thread, outside the state machine's lock): start the handler right here.
            _ = RunHandlerAsync(context, handler);
        }

        var outcome = await machine.Closed.ConfigureAwait(false);
        DurableAgentsTelemetry.InvocationEnded(activity, outcome, machine.LastError);
        await writer.ConfigureAwait(false);

        // Drain the request to EOF before ending the response (the server closes it after our final message).
        // WaitAsync's timer goes away with the wait (a Task.Delay would stay queued for the whole timeout).
        try
        {
            await reader.WaitAsync(drainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log?.Warning($"Restate did not close the request stream of {service.Name}/{handler.Name} within {drainTimeout}");
        }

        return outcome;
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
