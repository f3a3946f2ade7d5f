using System.Buffers;
using System.Text;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Testing;

/// <summary>
/// Writes a request body (Start plus journal entries) for <see cref="JournalHarness"/>: the bytes Restate would send
/// when it (re-)invokes a handler. <see cref="Build"/> sets <c>known_entries</c> to the number of entries added.
/// </summary>
public sealed class JournalBuilder
{
    private readonly List<(MessageType Type, IMessage Message)> _entries = [];
    private readonly StartMessage _start;

    public JournalBuilder(string key = "", ulong randomSeed = 42, byte[]? invocationId = null)
    {
        var id = invocationId ?? Enumerable.Range(1, 24).Select(i => (byte)i).ToArray();
        _start = new StartMessage
        {
            Id = ByteString.CopyFrom(id),
            DebugId = "inv_test" + Convert.ToHexString(id)[..16].ToLowerInvariant(),
            Key = key,
            RandomSeed = randomSeed,
            PartialState = true,
        };
    }

    /// <summary>Sets the eager state sent with Start (and marks it complete, as Restate does for small objects).</summary>
    public JournalBuilder State(IReadOnlyDictionary<string, string> jsonValues, bool partial = false)
    {
        _start.PartialState = partial;
        foreach (var (k, v) in jsonValues)
        {
            _start.StateMap.Add(new StartMessage.Types.StateEntry { Key = ByteString.CopyFromUtf8(k), Value = ByteString.CopyFromUtf8(v) });
        }

        return this;
    }

    public JournalBuilder RetryInfo(uint retryCount, TimeSpan sinceLastStoredEntry)
    {
        _start.RetryCountSinceLastStoredEntry = retryCount;
        _start.DurationSinceLastStoredEntry = (ulong)sinceLastStoredEntry.TotalMilliseconds;
        return this;
    }

    public JournalBuilder Input(string json, params (string Key, string Value)[] headers)
    {
        var input = new InputCommandMessage { Value = new Value { Content = ByteString.CopyFromUtf8(json) } };
        foreach (var (k, v) in headers)
        {
            input.Headers.Add(new Header { Key = k, Value = v });
        }

        return Add(MessageType.InputCommand, input);
    }

    public JournalBuilder Run(string name, uint completionId) => Add(MessageType.RunCommand, new RunCommandMessage { Name = name, ResultCompletionId = completionId });

    public JournalBuilder RunCompletion(uint completionId, string json) => Add(MessageType.RunCompletion, new NotificationTemplate
    {
        CompletionId = completionId,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    public JournalBuilder RunFailure(uint completionId, ushort code, string message) => Add(MessageType.RunCompletion, new NotificationTemplate
    {
        CompletionId = completionId,
        Failure = new Failure { Code = code, Message = message },
    });

    public JournalBuilder Sleep(uint completionId, string name = "") => Add(MessageType.SleepCommand, new SleepCommandMessage
    {
        ResultCompletionId = completionId,
        WakeUpTime = 1,
        Name = name,
    });

    public JournalBuilder SleepCompletion(uint completionId) => Add(MessageType.SleepCompletion, new NotificationTemplate
    {
        CompletionId = completionId,
        Void = new Protocol.Messages.Void(),
    });

    /// <summary>
    /// A request-response call as the handler journaled it: <paramref name="invocationIdCompletion"/> receives the
    /// callee's invocation id, <paramref name="resultCompletion"/> its result. Headers are recorded in ordinal key order.
    /// </summary>
    public JournalBuilder Call(string service, string handler, string json, uint invocationIdCompletion, uint resultCompletion, string key = "",
        string? idempotencyKey = null, IReadOnlyDictionary<string, string>? headers = null, string name = "")
    {
        var call = new CallCommandMessage
        {
            ServiceName = service,
            HandlerName = handler,
            Parameter = ByteString.CopyFromUtf8(json),
            Key = key,
            InvocationIdNotificationIdx = invocationIdCompletion,
            ResultCompletionId = resultCompletion,
            Name = name,
        };
        if (idempotencyKey is not null) call.IdempotencyKey = idempotencyKey;
        AddHeaders(call.Headers, headers);
        return Add(MessageType.CallCommand, call);
    }

    /// <summary>
    /// A one-way call (send) as the handler journaled it. <paramref name="invokeTime"/> is the absolute time the callee
    /// runs at (null: immediately).
    /// </summary>
    public JournalBuilder OneWayCall(string service, string handler, string json, uint invocationIdCompletion, string key = "",
        DateTimeOffset? invokeTime = null, string? idempotencyKey = null, IReadOnlyDictionary<string, string>? headers = null, string name = "")
    {
        var send = new OneWayCallCommandMessage
        {
            ServiceName = service,
            HandlerName = handler,
            Parameter = ByteString.CopyFromUtf8(json),
            Key = key,
            InvokeTime = invokeTime is { } t ? (ulong)Math.Max(0, t.ToUnixTimeMilliseconds()) : 0,
            InvocationIdNotificationIdx = invocationIdCompletion,
            Name = name,
        };
        if (idempotencyKey is not null) send.IdempotencyKey = idempotencyKey;
        AddHeaders(send.Headers, headers);
        return Add(MessageType.OneWayCallCommand, send);
    }

    /// <summary>The callee's invocation id (<c>inv_…</c>) of a call or a one-way call.</summary>
    public JournalBuilder CallInvocationId(uint completionId, string invocationId) => Add(MessageType.CallInvocationIdCompletion, new NotificationTemplate
    {
        CompletionId = completionId,
        InvocationId = invocationId,
    });

    public JournalBuilder CallCompletion(uint completionId, string json) => Add(MessageType.CallCompletion, new NotificationTemplate
    {
        CompletionId = completionId,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    /// <summary>The callee failed with a terminal error.</summary>
    public JournalBuilder CallFailure(uint completionId, ushort code, string message) => Notification(MessageType.CallCompletion, completionId, null, (code, message));

    /// <summary>A signal (an awakeable's is its id: 17, 18, … in creation order) resolved with a value.</summary>
    public JournalBuilder SignalValue(uint signalId, string json) => Add(MessageType.SignalNotification, new NotificationTemplate
    {
        SignalId = signalId,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    /// <summary>A signal (e.g. an awakeable) rejected with a failure.</summary>
    public JournalBuilder SignalFailure(uint signalId, ushort code, string message) => Add(MessageType.SignalNotification, new NotificationTemplate
    {
        SignalId = signalId,
        Failure = new Failure { Code = code, Message = message },
    });

    /// <summary>A named signal resolved with a value.</summary>
    public JournalBuilder NamedSignalValue(string name, string json) => Add(MessageType.SignalNotification, new NotificationTemplate
    {
        SignalName = name,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    /// <summary>The built-in CANCEL signal (signal id 1): the invocation was cancelled.</summary>
    public JournalBuilder Cancel() => Add(MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() });

    /// <summary>The handler completed another invocation's awakeable with a value.</summary>
    public JournalBuilder ResolveAwakeable(string awakeableId, string json) => Add(MessageType.CompleteAwakeableCommand, new CompleteAwakeableCommandMessage
    {
        AwakeableId = awakeableId,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    /// <summary>The handler completed another invocation's awakeable with a failure.</summary>
    public JournalBuilder RejectAwakeable(string awakeableId, ushort code, string message) => Add(MessageType.CompleteAwakeableCommand, new CompleteAwakeableCommandMessage
    {
        AwakeableId = awakeableId,
        Failure = new Failure { Code = code, Message = message },
    });

    /// <summary>The handler sent the CANCEL signal to another invocation.</summary>
    public JournalBuilder CancelInvocation(string targetInvocationId) => Add(MessageType.SendSignalCommand, new SendSignalCommandMessage
    {
        TargetInvocationId = targetInvocationId,
        Idx = 1,
        Void = new Protocol.Messages.Void(),
    });

    // ------------------------------------------------------------------ state

    /// <summary>An eager state read: the value (null: absent) was recorded inline.</summary>
    public JournalBuilder GetEagerState(string key, string? json)
    {
        var get = new GetEagerStateCommandMessage { Key = ByteString.CopyFromUtf8(key) };
        if (json is null) get.Void = new Protocol.Messages.Void();
        else get.Value = new Value { Content = ByteString.CopyFromUtf8(json) };
        return Add(MessageType.GetEagerStateCommand, get);
    }

    /// <summary>An eager read of the state keys, recorded inline.</summary>
    public JournalBuilder GetEagerStateKeys(params string[] keys)
    {
        var value = new StateKeys();
        value.Keys.AddRange(keys.Select(ByteString.CopyFromUtf8));
        return Add(MessageType.GetEagerStateKeysCommand, new GetEagerStateKeysCommandMessage { Value = value });
    }

    /// <summary>A lazy state read; its result arrives as <see cref="GetLazyStateCompletion"/>.</summary>
    public JournalBuilder GetLazyState(string key, uint completionId) => Add(MessageType.GetLazyStateCommand, new GetLazyStateCommandMessage
    {
        Key = ByteString.CopyFromUtf8(key),
        ResultCompletionId = completionId,
    });

    /// <summary>The result of a lazy state read: the value, or null when the key is absent.</summary>
    public JournalBuilder GetLazyStateCompletion(uint completionId, string? json) => Notification(MessageType.GetLazyStateCompletion, completionId, json);

    /// <summary>A lazy read of the state keys; its result arrives as <see cref="GetLazyStateKeysCompletion"/>.</summary>
    public JournalBuilder GetLazyStateKeys(uint completionId) => Add(MessageType.GetLazyStateKeysCommand, new GetLazyStateKeysCommandMessage { ResultCompletionId = completionId });

    /// <summary>The result of a lazy read of the state keys.</summary>
    public JournalBuilder GetLazyStateKeysCompletion(uint completionId, params string[] keys)
    {
        var value = new StateKeys();
        value.Keys.AddRange(keys.Select(ByteString.CopyFromUtf8));
        return Add(MessageType.GetLazyStateKeysCompletion, new NotificationTemplate { CompletionId = completionId, StateKeys = value });
    }

    public JournalBuilder SetState(string key, string json) => Add(MessageType.SetStateCommand, new SetStateCommandMessage
    {
        Key = ByteString.CopyFromUtf8(key),
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    public JournalBuilder ClearState(string key) => Add(MessageType.ClearStateCommand, new ClearStateCommandMessage { Key = ByteString.CopyFromUtf8(key) });

    public JournalBuilder ClearAllState() => Add(MessageType.ClearAllStateCommand, new ClearAllStateCommandMessage());

    // ------------------------------------------------------------------ workflow promises

    /// <summary>A workflow handler waited for promise <paramref name="name"/>; its result arrives as <see cref="GetPromiseCompletion"/>.</summary>
    public JournalBuilder GetPromise(string name, uint completionId) => Add(MessageType.GetPromiseCommand, new GetPromiseCommandMessage { Key = name, ResultCompletionId = completionId });

    public JournalBuilder GetPromiseCompletion(uint completionId, string json) => Notification(MessageType.GetPromiseCompletion, completionId, json);

    public JournalBuilder GetPromiseFailure(uint completionId, ushort code, string message) => Notification(MessageType.GetPromiseCompletion, completionId, null, (code, message));

    /// <summary>A workflow handler peeked at promise <paramref name="name"/>; its result arrives as <see cref="PeekPromiseCompletion"/>.</summary>
    public JournalBuilder PeekPromise(string name, uint completionId) => Add(MessageType.PeekPromiseCommand, new PeekPromiseCommandMessage { Key = name, ResultCompletionId = completionId });

    /// <summary>The result of a peek: the value, or null when the promise is not completed yet.</summary>
    public JournalBuilder PeekPromiseCompletion(uint completionId, string? json) => Notification(MessageType.PeekPromiseCompletion, completionId, json);

    /// <summary>A workflow handler resolved promise <paramref name="name"/> with a value.</summary>
    public JournalBuilder ResolvePromise(string name, string json, uint completionId) => Add(MessageType.CompletePromiseCommand, new CompletePromiseCommandMessage
    {
        Key = name,
        CompletionValue = new Value { Content = ByteString.CopyFromUtf8(json) },
        ResultCompletionId = completionId,
    });

    /// <summary>A workflow handler rejected promise <paramref name="name"/>.</summary>
    public JournalBuilder RejectPromise(string name, ushort code, string message, uint completionId) => Add(MessageType.CompletePromiseCommand, new CompletePromiseCommandMessage
    {
        Key = name,
        CompletionFailure = new Failure { Code = code, Message = message },
        ResultCompletionId = completionId,
    });

    /// <summary>Restate accepted a promise completion.</summary>
    public JournalBuilder CompletePromiseCompletion(uint completionId) => Notification(MessageType.CompletePromiseCompletion, completionId, null);

    /// <summary>Restate refused a promise completion (e.g. the promise was already completed).</summary>
    public JournalBuilder CompletePromiseFailure(uint completionId, ushort code, string message) => Notification(MessageType.CompletePromiseCompletion, completionId, null, (code, message));

    // ------------------------------------------------------------------ output

    public JournalBuilder Output(string json) => Add(MessageType.OutputCommand, new OutputCommandMessage { Value = new Value { Content = ByteString.CopyFromUtf8(json) } });

    /// <summary>The handler ended with a terminal failure.</summary>
    public JournalBuilder OutputFailure(ushort code, string message) => Add(MessageType.OutputCommand, new OutputCommandMessage { Failure = new Failure { Code = code, Message = message } });

    private JournalBuilder Notification(MessageType type, uint completionId, string? json, (ushort Code, string Message)? failure = null)
    {
        var n = new NotificationTemplate { CompletionId = completionId };
        if (failure is { } f) n.Failure = new Failure { Code = f.Code, Message = f.Message };
        else if (json is null) n.Void = new Protocol.Messages.Void();
        else n.Value = new Value { Content = ByteString.CopyFromUtf8(json) };
        return Add(type, n);
    }

    private static void AddHeaders(Google.Protobuf.Collections.RepeatedField<Header> into, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var (k, v) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            into.Add(new Header { Key = k, Value = v });
        }
    }

    /// <summary>
    /// Continues from an attempt that suspended: appends the commands it journaled, and turns each of its run
    /// proposals into the completion Restate would have recorded, so the next attempt replays them.
    /// </summary>
    public JournalBuilder Continue(JournalRunResult previous)
    {
        var frames = new ReadOnlySequence<byte>(previous.ResponseBody);
        while (FrameCodec.TryReadFrame(ref frames, out var header, out var payload))
        {
            var message = FrameCodec.Decode(header.Type, payload);
            if (MessageTypes.IsCommand(header.Type))
            {
                Add(header.Type, message);
            }
            else if (message is ProposeRunCompletionMessage proposal)
            {
                var completion = new NotificationTemplate { CompletionId = proposal.ResultCompletionId };
                if (proposal.ResultCase == ProposeRunCompletionMessage.ResultOneofCase.Failure) completion.Failure = proposal.Failure;
                else completion.Value = new Value { Content = proposal.Value };
                Add(MessageType.RunCompletion, completion);
            }
        }

        return this;
    }

    /// <summary>Adds a raw protocol message (command or notification).</summary>
    internal JournalBuilder Add(MessageType type, IMessage message)
    {
        _entries.Add((type, message));
        return this;
    }

    /// <summary>
    /// Writes the request body: Start (with <c>known_entries</c> = the number of entries added) and the entries.
    /// <paramref name="trailing"/> is appended as is (e.g. garbage, for protocol tests).
    /// </summary>
    public byte[] Build(ReadOnlySpan<byte> trailing = default)
    {
        _start.KnownEntries = (uint)_entries.Count;
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(buffer, MessageType.Start, _start);
        WriteEntries(buffer);
        buffer.Write(trailing);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes only the entries, without a StartMessage: the notifications Restate streams to a running invocation after
    /// the known entries (bidirectional mode), e.g. <c>new JournalBuilder().SleepCompletion(1).BuildEntries()</c>.
    /// </summary>
    public byte[] BuildEntries()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteEntries(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteEntries(ArrayBufferWriter<byte> buffer)
    {
        foreach (var (type, message) in _entries)
        {
            FrameCodec.WriteFrame(buffer, type, message);
        }
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
