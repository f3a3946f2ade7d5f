using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Internal;

/// <summary>The context of a shared Workflow handler: <see cref="ISharedWorkflowContext"/> (the key, state reads, durable promises).</summary>
internal sealed class SharedWorkflowContext(InvocationCore core) : InvocationContext(core), ISharedWorkflowContext
{
    private readonly InvocationState _state = new(core);
    private readonly InvocationPromises _promises = new(core);

    public string Key => Core.Key;

    public DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.GetAsync(key, typeInfo);

    public DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.TryGetAsync(key, typeInfo);

    public DurableFuture<IReadOnlyList<string>> GetStateKeysAsync() => _state.GetStateKeysAsync();

    public DurablePromise<T> Promise<T>(string name, JsonTypeInfo<T>? typeInfo = null) => _promises.Promise(name, typeInfo);
}
