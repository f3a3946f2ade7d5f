using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

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
