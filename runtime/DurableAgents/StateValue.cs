using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents;

/// <summary>The result of <see cref="ISharedObjectContext.TryGetAsync{T}"/>.</summary>
public readonly record struct StateValue<T>(bool Exists, T? Value);
