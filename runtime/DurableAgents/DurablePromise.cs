using DurableAgents.Internal;

namespace DurableAgents;

/// <summary>A named durable promise of a Workflow (survives restarts; completed once).</summary>
public sealed class DurablePromise<T>
{
    private readonly InvocationPromises _context;
    private readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> _typeInfo;

    internal DurablePromise(InvocationPromises context, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        _context = context;
        Name = name;
        _typeInfo = typeInfo;
    }

    public string Name { get; }

    /// <summary>Waits for the promise's value (or failure).</summary>
    public DurableFuture<T> GetAsync() => _context.PromiseGet(Name, _typeInfo);

    /// <summary>The value if already completed, without waiting.</summary>
    public DurableFuture<StateValue<T>> PeekAsync() => _context.PromisePeek(Name, _typeInfo);

    /// <summary>Completes the promise with a value; fails if it was already completed.</summary>
    public DurableFuture ResolveAsync(T value) => _context.PromiseComplete(Name, value, _typeInfo, null);

    /// <summary>Completes the promise with a failure; fails if it was already completed.</summary>
    public DurableFuture RejectAsync(string reason, ushort code = 500) => _context.PromiseComplete(Name, default!, _typeInfo, new TerminalException(reason, code));

    public DurableAwaiter<T> GetAwaiter() => GetAsync().GetAwaiter();
}
