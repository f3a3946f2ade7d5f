using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

/// <summary>A future resolved at creation (eager state reads, replayed values).</summary>
internal sealed class ValueFuture<T>(T value) : DurableFuture<T>(null)
{
    internal override bool IsResolved => true;

    internal override bool IsFailed => false;

    internal override long ResolvedSequence => 0;

    internal override void CollectPending(List<Slot> pending) { }

    internal override T GetResultCore() => value;
}
