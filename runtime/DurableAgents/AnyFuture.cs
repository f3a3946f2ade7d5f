using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

/// <summary>Resolves when the first inner future resolves; the result is its index.</summary>
internal sealed class AnyFuture(InvocationStateMachine machine, DurableFuture[] futures) : DurableFuture<int>(machine)
{
    internal override bool IsResolved => FirstResolved() >= 0;

    internal override bool IsFailed => false;

    internal override long ResolvedSequence
    {
        get
        {
            var i = FirstResolved();
            return i < 0 ? 0 : futures[i].ResolvedSequence;
        }
    }

    // The future whose result arrived first. Results are replayed in journal order, so this is the same on replay.
    private int FirstResolved()
    {
        var best = -1;
        long bestSeq = long.MaxValue;
        for (var i = 0; i < futures.Length; i++)
        {
            if (futures[i].IsResolved && futures[i].ResolvedSequence < bestSeq)
            {
                best = i;
                bestSeq = futures[i].ResolvedSequence;
            }
        }

        return best;
    }

    internal override void CollectPending(List<Slot> pending)
    {
        foreach (var f in futures)
        {
            f.CollectPending(pending);
        }
    }

    internal override int GetResultCore() => FirstResolved();
}
