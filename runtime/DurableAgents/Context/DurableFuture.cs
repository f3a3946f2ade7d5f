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

/// <summary>A durable future with a result of type <typeparamref name="T"/>.</summary>
public abstract class DurableFuture<T> : DurableFuture
{
    private protected DurableFuture(InvocationStateMachine? machine) : base(machine) { }

    public new DurableAwaiter<T> GetAwaiter() => new(this);

    /// <summary>Adapts the future to a <see cref="Task{TResult}"/>.</summary>
    public new async Task<T> AsTask() => await this;

    internal abstract T GetResultCore();

    internal T GetResult()
    {
        CheckWake();
        return GetResultCore();
    }

    internal override void ThrowIfFailed()
    {
        if (IsFailed)
        {
            _ = GetResultCore();
        }
    }

    /// <summary>A future that is already resolved with <paramref name="value"/>.</summary>
    public static DurableFuture<T> FromResult(T value) => new ValueFuture<T>(value);
}

/// <summary>Awaiter of a <see cref="DurableFuture"/>.</summary>
public readonly struct DurableAwaiter : ICriticalNotifyCompletion
{
    private readonly DurableFuture _future;

    internal DurableAwaiter(DurableFuture future) => _future = future;

    public bool IsCompleted => _future.IsResolved && !(_future.Machine?.CancelsResolved(_future) ?? false);

    public void OnCompleted(Action continuation) => _future.Park(continuation);

    public void UnsafeOnCompleted(Action continuation) => _future.Park(continuation);

    public void GetResult()
    {
        _future.CheckWake();
        _future.ThrowIfFailed();
    }
}

/// <summary>Awaiter of a <see cref="DurableFuture{T}"/>.</summary>
public readonly struct DurableAwaiter<T> : ICriticalNotifyCompletion
{
    private readonly DurableFuture<T> _future;

    internal DurableAwaiter(DurableFuture<T> future) => _future = future;

    public bool IsCompleted => _future.IsResolved && !(_future.Machine?.CancelsResolved(_future) ?? false);

    public void OnCompleted(Action continuation) => _future.Park(continuation);

    public void UnsafeOnCompleted(Action continuation) => _future.Park(continuation);

    public T GetResult() => _future.GetResult();
}

/// <summary>A future resolved at creation (eager state reads, replayed values).</summary>
internal sealed class ValueFuture<T>(T value) : DurableFuture<T>(null)
{
    internal override bool IsResolved => true;

    internal override bool IsFailed => false;

    internal override long ResolvedSequence => 0;

    internal override void CollectPending(List<Slot> pending) { }

    internal override T GetResultCore() => value;
}

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
