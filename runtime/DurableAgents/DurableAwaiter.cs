using System.Runtime.CompilerServices;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents;

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
