using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents;

/// <summary>The context of an exclusive Virtual Object handler: read and write state.</summary>
public interface IObjectContext : ISharedObjectContext
{
    void Set<T>(string key, T value, JsonTypeInfo<T>? typeInfo = null);

    void Clear(string key);

    void ClearAll();
}
