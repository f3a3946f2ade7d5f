using System.Text.Json.Serialization.Metadata;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Serialization;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>The durable promises of a Workflow invocation; only the workflow contexts expose them.</summary>
internal sealed class InvocationPromises
{
    private readonly InvocationCore _core;
    private readonly InvocationStateMachine _machine;

    public InvocationPromises(InvocationCore core)
    {
        _core = core;
        _machine = core.Machine;
    }

    public DurablePromise<T> Promise<T>(string name, JsonTypeInfo<T>? typeInfo = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new DurablePromise<T>(this, name, typeInfo ?? JsonSerde.TypeInfo<T>(_core.JsonOptions));
    }

    internal DurableFuture<T> PromiseGet<T>(string name, JsonTypeInfo<T> info)
    {
        var slot = _machine.CompletableCommand(MessageType.GetPromiseCommand, id => new GetPromiseCommandMessage { Key = name, ResultCompletionId = id });
        return new SlotFuture<T>(_machine, slot, n => InvocationCore.ReadValue(n, info));
    }

    internal DurableFuture<StateValue<T>> PromisePeek<T>(string name, JsonTypeInfo<T> info)
    {
        var slot = _machine.CompletableCommand(MessageType.PeekPromiseCommand, id => new PeekPromiseCommandMessage { Key = name, ResultCompletionId = id });
        return new SlotFuture<StateValue<T>>(_machine, slot, n => n.ResultCase == NotificationTemplate.ResultOneofCase.Value
            ? new StateValue<T>(true, JsonSerde.DeserializeJournaled(n.Value.Content.Span, info))
            : new StateValue<T>(false, default));
    }

    internal DurableFuture PromiseComplete<T>(string name, T value, JsonTypeInfo<T> info, TerminalException? failure)
    {
        var slot = _machine.CompletableCommand(MessageType.CompletePromiseCommand, id =>
        {
            var cmd = new CompletePromiseCommandMessage { Key = name, ResultCompletionId = id };
            if (failure is null) cmd.CompletionValue = new Value { Content = ByteString.CopyFrom(JsonSerde.Serialize(value, info)) };
            else cmd.CompletionFailure = Failures.FromException(failure);
            return cmd;
        });
        return new SlotFuture<bool>(_machine, slot, static _ => true);
    }
}
