using System.IO.Pipelines;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Testing;

/// <summary>The result of running one handler against a scripted journal.</summary>
public sealed class JournalRunResult
{
    internal JournalRunResult(InvocationOutcome outcome, byte[] response, IReadOnlyList<JournalMessage> messages, ErrorMessage? error)
    {
        Outcome = outcome;
        ResponseBody = response;
        Messages = messages;
        if (error is not null)
        {
            ErrorCode = (int)error.Code;
            ErrorMessage = error.Message;
            RelatedCommandIndex = error.HasRelatedCommandIndex ? error.RelatedCommandIndex : null;
            RelatedCommandType = error.HasRelatedCommandType ? (MessageType)error.RelatedCommandType : null;
        }
    }

    public InvocationOutcome Outcome { get; }

    /// <summary>The raw response body (frames), as the endpoint would have sent it.</summary>
    public byte[] ResponseBody { get; }

    public IReadOnlyList<JournalMessage> Messages { get; }

    /// <summary>The code of the final <c>ErrorMessage</c> (570 = journal mismatch, 571 = protocol violation), if any.</summary>
    public int? ErrorCode { get; }

    public string? ErrorMessage { get; }

    public uint? RelatedCommandIndex { get; }

    public MessageType? RelatedCommandType { get; }

    public IEnumerable<MessageType> Types => Messages.Select(m => m.Type);
}
