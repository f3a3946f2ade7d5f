using DurableAgents.Protocol.Messages;

namespace DurableAgents.Internal;

/// <summary>One awaitable protocol handle: a completion id, a signal id or a named signal.</summary>
internal sealed class Slot(SlotKind kind, uint id, string? name)
{
    public SlotKind Kind { get; } = kind;

    public uint Id { get; } = id;

    public string? Name { get; } = name;

    /// <summary>The notification that resolved this slot; null while pending.</summary>
    public NotificationTemplate? Result { get; set; }

    /// <summary>Arrival order of <see cref="Result"/> within the invocation.</summary>
    public long Sequence { get; set; }
}
