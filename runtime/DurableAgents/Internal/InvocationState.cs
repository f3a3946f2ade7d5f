using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Serialization;
using Google.Protobuf;
using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Internal;

/// <summary>
/// The state of a keyed invocation (Virtual Object or Workflow): the eager state Restate sent with the start message,
/// kept current by this attempt's own writes, and the state commands. Created only for keyed handler kinds; the
/// writes are exposed only by the exclusive kinds' contexts (<see cref="ObjectContext"/>, <see cref="WorkflowContext"/>).
/// </summary>
internal sealed class InvocationState
{
    private readonly InvocationCore _core;
    private readonly InvocationStateMachine _machine;
    private readonly Dictionary<string, ByteString?> _state = new(StringComparer.Ordinal);
    private bool _partialState;

    public InvocationState(InvocationCore core)
    {
        _core = core;
        _machine = core.Machine;
        var start = _machine.Start;
        _partialState = start.PartialState;
        foreach (var entry in start.StateMap)
        {
            _state[entry.Key.ToStringUtf8()] = entry.Value;
        }
    }

    public DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null)
    {
        var info = typeInfo ?? JsonSerde.TypeInfo<T>(_core.JsonOptions);
        return GetStateCore<T?>(key, bytes => bytes is null ? default : JsonSerde.DeserializeJournaled(bytes.Span, info));
    }

    public DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null)
    {
        var info = typeInfo ?? JsonSerde.TypeInfo<T>(_core.JsonOptions);
        return GetStateCore(key, bytes => bytes is null ? new StateValue<T>(false, default) : new StateValue<T>(true, JsonSerde.DeserializeJournaled(bytes.Span, info)));
    }

    private DurableFuture<TResult> GetStateCore<TResult>(string key, Func<ByteString?, TResult> map)
    {
        var keyBytes = ByteString.CopyFromUtf8(key);
        GetEagerStateCommandMessage? eager = null;
        if (_state.TryGetValue(key, out var known))
        {
            eager = new GetEagerStateCommandMessage { Key = keyBytes, Name = "" };
            if (known is null) eager.Void = new Protocol.Messages.Void();
            else eager.Value = new Value { Content = known };
        }
        else if (!_partialState)
        {
            eager = new GetEagerStateCommandMessage { Key = keyBytes, Void = new Protocol.Messages.Void() };
        }

        var result = _machine.StateRead(MessageType.GetEagerStateCommand, eager, MessageType.GetLazyStateCommand,
            id => new GetLazyStateCommandMessage { Key = keyBytes, ResultCompletionId = id },
            () => new GetEagerStateCommandMessage { Key = keyBytes });
        if (result.Recorded is GetEagerStateCommandMessage recorded)
        {
            return new ValueFuture<TResult>(map(recorded.ResultCase == GetEagerStateCommandMessage.ResultOneofCase.Value ? recorded.Value.Content : null));
        }

        return new SlotFuture<TResult>(_machine, result.Slot!, n => map(n.ResultCase == NotificationTemplate.ResultOneofCase.Value ? n.Value.Content : null));
    }

    public DurableFuture<IReadOnlyList<string>> GetStateKeysAsync()
    {
        GetEagerStateKeysCommandMessage? eager = null;
        if (!_partialState)
        {
            var keys = new StateKeys();
            foreach (var k in _state.Where(kv => kv.Value is not null).Select(kv => kv.Key).Order(StringComparer.Ordinal))
            {
                keys.Keys.Add(ByteString.CopyFromUtf8(k));
            }

            eager = new GetEagerStateKeysCommandMessage { Value = keys };
        }

        var result = _machine.StateRead(MessageType.GetEagerStateKeysCommand, eager, MessageType.GetLazyStateKeysCommand,
            id => new GetLazyStateKeysCommandMessage { ResultCompletionId = id },
            static () => new GetEagerStateKeysCommandMessage());
        if (result.Recorded is GetEagerStateKeysCommandMessage recorded)
        {
            return new ValueFuture<IReadOnlyList<string>>(ToKeyList(recorded.Value));
        }

        return new SlotFuture<IReadOnlyList<string>>(_machine, result.Slot!, static n => ToKeyList(n.StateKeys));
    }

    private static IReadOnlyList<string> ToKeyList(StateKeys? keys)
        => keys is null ? [] : keys.Keys.Select(k => k.ToStringUtf8()).Order(StringComparer.Ordinal).ToList();

    public void Set<T>(string key, T value, JsonTypeInfo<T>? typeInfo = null)
    {
        var bytes = ByteString.CopyFrom(JsonSerde.Serialize(value, typeInfo ?? JsonSerde.TypeInfo<T>(_core.JsonOptions)));
        _machine.Command(MessageType.SetStateCommand, new SetStateCommandMessage { Key = ByteString.CopyFromUtf8(key), Value = new Value { Content = bytes } });
        _state[key] = bytes;
    }

    public void Clear(string key)
    {
        _machine.Command(MessageType.ClearStateCommand, new ClearStateCommandMessage { Key = ByteString.CopyFromUtf8(key) });
        _state[key] = null;
    }

    public void ClearAll()
    {
        _machine.Command(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage());
        _state.Clear();
        _partialState = false;
    }
}
