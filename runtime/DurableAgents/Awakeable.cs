using DurableAgents.Internal;

namespace DurableAgents;

/// <summary>An awakeable: hand <see cref="Id"/> to another system, which completes it through the ingress (or another handler).</summary>
public sealed class Awakeable<T>
{
    internal Awakeable(string id, DurableFuture<T> value)
    {
        Id = id;
        Value = value;
    }

    /// <summary>The awakeable id (<c>sign_1…</c>).</summary>
    public string Id { get; }

    /// <summary>Completes with the value (or failure) the awakeable is completed with.</summary>
    public DurableFuture<T> Value { get; }

    public DurableAwaiter<T> GetAwaiter() => Value.GetAwaiter();
}
