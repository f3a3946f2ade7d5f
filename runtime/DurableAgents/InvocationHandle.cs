using DurableAgents.Internal;

namespace DurableAgents;

/// <summary>A one-way call that was sent: its invocation id is available once Restate accepted it.</summary>
public sealed class InvocationHandle
{
    internal InvocationHandle(DurableFuture<string> invocationId) => InvocationId = invocationId;

    /// <summary>The callee's invocation id (usable with <see cref="IContext.CancelInvocation"/> or attach).</summary>
    public DurableFuture<string> InvocationId { get; }
}
