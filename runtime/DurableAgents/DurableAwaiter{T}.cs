using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

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
