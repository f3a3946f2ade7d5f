using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

/// <summary>A future resolved by one protocol notification (completion id or signal id).</summary>
internal sealed class SlotFuture<T>(InvocationStateMachine machine, Slot slot, Func<NotificationTemplate, T> map) : DurableFuture<T>(machine)
{
    internal Slot Slot { get; } = slot;

    internal override bool IsResolved => Slot.Result is not null;

    internal override bool IsFailed => Slot.Result?.ResultCase == NotificationTemplate.ResultOneofCase.Failure;

    internal override long ResolvedSequence => Slot.Sequence;

    internal override void CollectPending(List<Slot> pending)
    {
        if (Slot.Result is null)
        {
            pending.Add(Slot);
        }
    }

    internal override T GetResultCore()
    {
        var result = Slot.Result!;
        if (result.ResultCase == NotificationTemplate.ResultOneofCase.Failure)
        {
            throw Failures.ToException(result.Failure);
        }

        return map(result);
    }
}
