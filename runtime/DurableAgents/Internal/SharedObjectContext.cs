using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Internal;

/// <summary>The context of a shared Virtual Object handler: <see cref="ISharedObjectContext"/> (the key and state reads).</summary>
internal sealed class SharedObjectContext(InvocationCore core) : InvocationContext(core), ISharedObjectContext
{
    private readonly InvocationState _state = new(core);

    public string Key => Core.Key;

    public DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.GetAsync(key, typeInfo);

    public DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null) => _state.TryGetAsync(key, typeInfo);

    public DurableFuture<IReadOnlyList<string>> GetStateKeysAsync() => _state.GetStateKeysAsync();
}
