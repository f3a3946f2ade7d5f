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

    public JournalBuilder Call(string service, string handler, string json, uint invocationIdCompletion, uint resultCompletion, string key = "")
        => Add(MessageType.CallCommand, new CallCommandMessage
        {
            ServiceName = service,
            HandlerName = handler,
            Parameter = ByteString.CopyFromUtf8(json),
            Key = key,
            InvocationIdNotificationIdx = invocationIdCompletion,
            ResultCompletionId = resultCompletion,
        });

    public JournalBuilder CallCompletion(uint completionId, string json) => Add(MessageType.CallCompletion, new NotificationTemplate
    {
        CompletionId = completionId,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    public JournalBuilder SignalValue(uint signalId, string json) => Add(MessageType.SignalNotification, new NotificationTemplate
    {
        SignalId = signalId,
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    public JournalBuilder Cancel() => Add(MessageType.SignalNotification, new NotificationTemplate { SignalId = 1, Void = new Protocol.Messages.Void() });

    public JournalBuilder SetState(string key, string json) => Add(MessageType.SetStateCommand, new SetStateCommandMessage
    {
        Key = ByteString.CopyFromUtf8(key),
        Value = new Value { Content = ByteString.CopyFromUtf8(json) },
    });

    public JournalBuilder Output(string json) => Add(MessageType.OutputCommand, new OutputCommandMessage { Value = new Value { Content = ByteString.CopyFromUtf8(json) } });

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

    /// <summary>Appends a raw frame after the journal (e.g. garbage) when building; for protocol tests.</summary>
    public byte[] Build(ReadOnlySpan<byte> trailing = default)
    {
        _start.KnownEntries = (uint)_entries.Count;
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.WriteFrame(buffer, MessageType.Start, _start);
        foreach (var (type, message) in _entries)
        {
            FrameCodec.WriteFrame(buffer, type, message);
        }

        buffer.Write(trailing);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
