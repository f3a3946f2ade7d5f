using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

/// <summary>
/// The result of a durable operation (a step, a timer, a call, an awakeable). Await it to get the result; while it
/// is pending, the invocation may be suspended by Restate and resumed later on any replica.
/// Await durable futures directly (or through <see cref="IContext.WhenAll"/> / <see cref="IContext.WhenAny"/>),
/// never with <c>.Result</c>, <c>.Wait()</c> or <see cref="Task.WhenAll(Task[])"/>.
/// </summary>
public abstract class DurableFuture
{
    private protected DurableFuture(InvocationStateMachine? machine) => Machine = machine;

    internal InvocationStateMachine? Machine { get; }

    // Set by the state machine when it wakes a parked await for a reason other than the result.
    internal bool DeliverCancel;
    internal bool DeliverClosed;

    /// <summary>True once the result (value or failure) is known.</summary>
    public bool IsCompleted => IsResolved;

    internal abstract bool IsResolved { get; }

    /// <summary>True when resolved with a failure.</summary>
    internal abstract bool IsFailed { get; }

    /// <summary>The arrival order of the result (journal order on replay), used to pick the first of several.</summary>
    internal abstract long ResolvedSequence { get; }

    /// <summary>Adds the protocol handles this future still waits for (for the suspension message).</summary>
    internal abstract void CollectPending(List<Slot> pending);

    /// <summary>Throws the failure if resolved with one.</summary>
    internal abstract void ThrowIfFailed();

    public DurableAwaiter GetAwaiter() => new(this);

    /// <summary>Adapts the future to a <see cref="Task"/> (awaiting that task parks on this future).</summary>
    public async Task AsTask() => await this;

    internal void CheckWake()
    {
        if (DeliverClosed)
        {
            throw new InvocationClosedException("The invocation attempt has ended; this await will not complete in this attempt.");
        }

        if (DeliverCancel)
        {
            DeliverCancel = false;
            throw new CancelledException();
        }

        if (!IsResolved)
        {
            throw new InvalidOperationException("The durable future has not completed: await it instead of reading its result synchronously.");
        }
    }

    internal void Park(Action continuation)
    {
        if (Machine is null)
        {
            // Already resolved (a value future).
            IWakeupScheduler.QueueToPool(continuation);
            return;
        }

        Machine.Park(this, continuation);
    }
}
