using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents;

/// <summary>The context of a shared Virtual Object handler: the key and read-only state.</summary>
public interface ISharedObjectContext : IContext
{
    /// <summary>The Virtual Object (or Workflow) key.</summary>
    string Key { get; }

    /// <summary>Reads a state entry; <c>default</c> when absent.</summary>
    DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null);

    /// <summary>Reads a state entry; tells whether it exists.</summary>
    DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null);

    /// <summary>The keys of all state entries, ordinal-sorted.</summary>
    DurableFuture<IReadOnlyList<string>> GetStateKeysAsync();
}
