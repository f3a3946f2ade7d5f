using System.IO.Pipelines;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Testing;

/// <summary>A message the handler sent back, decoded.</summary>
/// <param name="Type">The message type.</param>
/// <param name="Text">The message's fields as protobuf JSON.</param>
public sealed record JournalMessage(MessageType Type, string Text)
{
    public override string ToString() => $"{MessageTypes.Name(Type)} {Text}";
}
