using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>Replay determinism check: is the command the code performs now the one the journal recorded?</summary>
internal static class CommandMatcher
{
    public static bool Matches(MessageType type, IMessage actual, MessageType recordedType, IMessage recorded, out string difference)
    {
        difference = "";
        if (type != recordedType)
        {
            return false;
        }

        switch (actual)
        {
            case SleepCommandMessage sleep:
                // The wake-up time differs on every execution; only the name identifies the timer.
                return sleep.Name == ((SleepCommandMessage)recorded).Name;
            case OneWayCallCommandMessage send:
                var rec = (OneWayCallCommandMessage)recorded;
                var copy = send.Clone();
                copy.InvokeTime = rec.InvokeTime;
                if (copy.Equals(rec))
                {
                    return true;
                }

                difference = Diff(copy, rec);
                return false;
            case GetEagerStateCommandMessage eager:
                // The recorded value is authoritative on replay (state may have changed since).
                return eager.Key.Equals(((GetEagerStateCommandMessage)recorded).Key);
            case GetEagerStateKeysCommandMessage:
                return true;
            default:
                if (actual.Equals(recorded))
                {
                    return true;
                }

                difference = Diff(actual, recorded);
                return false;
        }
    }

    private static string Diff(IMessage actual, IMessage recorded)
    {
        var a = actual.ToByteString();
        var r = recorded.ToByteString();
        return a.Length != r.Length ? $" (encoded sizes {a.Length} vs {r.Length} bytes)" : " (same type and size, different content)";
    }

    /// <summary>A short description for error messages: the entry name and the identifying fields.</summary>
    public static string Describe(IMessage message)
    {
        var text = message switch
        {
            RunCommandMessage m => $"name=\"{m.Name}\"",
            SleepCommandMessage m => $"name=\"{m.Name}\"",
            CallCommandMessage m => $"target={m.ServiceName}/{(m.Key.Length > 0 ? m.Key + "/" : "")}{m.HandlerName}",
            OneWayCallCommandMessage m => $"target={m.ServiceName}/{(m.Key.Length > 0 ? m.Key + "/" : "")}{m.HandlerName}",
            GetLazyStateCommandMessage m => $"key=\"{m.Key.ToStringUtf8()}\"",
            GetEagerStateCommandMessage m => $"key=\"{m.Key.ToStringUtf8()}\"",
            SetStateCommandMessage m => $"key=\"{m.Key.ToStringUtf8()}\"",
            ClearStateCommandMessage m => $"key=\"{m.Key.ToStringUtf8()}\"",
            GetPromiseCommandMessage m => $"promise=\"{m.Key}\"",
            PeekPromiseCommandMessage m => $"promise=\"{m.Key}\"",
            CompletePromiseCommandMessage m => $"promise=\"{m.Key}\"",
            CompleteAwakeableCommandMessage m => $"awakeable=\"{m.AwakeableId}\"",
            SendSignalCommandMessage m => $"target=\"{m.TargetInvocationId}\"",
            OutputCommandMessage m => m.ResultCase == OutputCommandMessage.ResultOneofCase.Failure ? $"failure={m.Failure.Code}" : "value",
            _ => "",
        };
        return text.Length == 0 ? "" : "(" + text + ")";
    }

    public static string? NameOf(IMessage message) => message switch
    {
        RunCommandMessage m => m.Name,
        SleepCommandMessage m => m.Name,
        CallCommandMessage m => m.Name,
        OneWayCallCommandMessage m => m.Name,
        GetLazyStateCommandMessage m => m.Name,
        GetEagerStateCommandMessage m => m.Name,
        SetStateCommandMessage m => m.Name,
        ClearStateCommandMessage m => m.Name,
        GetPromiseCommandMessage m => m.Name,
        PeekPromiseCommandMessage m => m.Name,
        CompletePromiseCommandMessage m => m.Name,
        CompleteAwakeableCommandMessage m => m.Name,
        SendSignalCommandMessage m => m.EntryName,
        _ => null,
    };
}
