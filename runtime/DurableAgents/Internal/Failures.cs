using DurableAgents.Protocol.Messages;

namespace DurableAgents.Internal;

internal static class Failures
{
    public static TerminalException ToException(Failure failure)
    {
        if (failure.Code == 409 && failure.Message == "Cancelled")
        {
            return new CancelledException();
        }

        var e = new TerminalException(failure.Message, (ushort)Math.Min(failure.Code, ushort.MaxValue))
        {
            Metadata = failure.Metadata.Count == 0 ? null : failure.Metadata.ToDictionary(m => m.Key, m => m.Value),
        };
        return e;
    }

    public static Failure FromException(TerminalException e)
    {
        var f = new Failure { Code = e.Code, Message = e.Message };
        if (e.Metadata is not null)
        {
            foreach (var (k, v) in e.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                f.Metadata.Add(new FailureMetadata { Key = k, Value = v });
            }
        }

        return f;
    }
}
