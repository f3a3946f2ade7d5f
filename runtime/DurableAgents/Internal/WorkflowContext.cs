using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Internal;

/// <summary>The context of a Workflow's run handler: <see cref="IWorkflowContext"/> (the key, state reads and writes, durable promises).</summary>
internal sealed class WorkflowContext(InvocationCore core) : InvocationContext(core), IWorkflowContext
{
    private readonly InvocationState _state = new(core);
    private readonly InvocationPromises _promises = new(core);

    public string Key => Core.Key;

    public DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.GetAsync(key, typeInfo);

    public DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.TryGetAsync(key, typeInfo);

    public DurableFuture<IReadOnlyList<string>> GetStateKeysAsync() => _state.GetStateKeysAsync();

    public void Set<T>(string key, T value, JsonTypeInfo<T>? typeInfo = null) => _state.Set(key, value, typeInfo);

    public void Clear(string key) => _state.Clear(key);

    public void ClearAll() => _state.ClearAll();

    public DurablePromise<T> Promise<T>(string name, JsonTypeInfo<T>? typeInfo = null) => _promises.Promise(name, typeInfo);
}
