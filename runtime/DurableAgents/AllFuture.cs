using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

/// <summary>Resolves when every inner future resolved, or at the first failure.</summary>
internal sealed class AllFuture(InvocationStateMachine machine, DurableFuture[] futures) : DurableFuture<bool>(machine)
{
    internal override bool IsResolved
    {
        get
        {
            var all = true;
            foreach (var f in futures)
            {
                if (!f.IsResolved)
                {
                    all = false;
                }
                else if (f.IsFailed)
                {
                    return true;
                }
            }

            return all;
        }
    }

    internal override bool IsFailed
    {
        get
        {
            foreach (var f in futures)
            {
                if (f.IsResolved && f.IsFailed)
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal override long ResolvedSequence
    {
        get
        {
            long max = 0;
            foreach (var f in futures)
            {
                if (f.IsResolved && f.IsFailed)
                {
                    return f.ResolvedSequence;
                }

                max = Math.Max(max, f.ResolvedSequence);
            }

            return max;
        }
    }

    internal override void CollectPending(List<Slot> pending)
    {
        foreach (var f in futures)
        {
            f.CollectPending(pending);
        }
    }

    internal override bool GetResultCore()
    {
        foreach (var f in futures)
        {
            if (f.IsResolved)
            {
                f.ThrowIfFailed();
            }
        }

        return true;
    }
}
