using DurableAgents.Protocol.Messages;

namespace DurableAgents.Internal;

internal enum SlotKind : byte
{
    Completion,
    Signal,
    NamedSignal,
}
