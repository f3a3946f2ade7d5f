using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Internal;

/// <summary>The context of an exclusive Virtual Object handler: <see cref="IObjectContext"/> (the key, state reads and writes).</summary>
internal sealed class ObjectContext(InvocationCore core) : InvocationContext(core), IObjectContext
{
    private readonly InvocationState _state = new(core);

    public string Key => Core.Key;

    public DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.GetAsync(key, typeInfo);

    public DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.TryGetAsync(key, typeInfo);

    public DurableFuture<IReadOnlyList<string>> GetStateKeysAsync() => _state.GetStateKeysAsync();

    public void Set<T>(string key, T value, JsonTypeInfo<T>? typeInfo = null) => _state.Set(key, value, typeInfo);

    public void Clear(string key) => _state.Clear(key);

    public void ClearAll() => _state.ClearAll();
}
