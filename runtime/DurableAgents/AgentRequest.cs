using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

/// <summary>
/// The input of an agent's <c>run</c> handler. On the wire it is either a JSON string (the user message) or an object
/// <c>{"message": "...", "responseSchema": {...}, "responseSchemaName": "..."}</c>.
/// </summary>
[JsonConverter(typeof(AgentRequestConverter))]
public sealed record AgentRequest
{
    /// <summary>The user message.</summary>
    public string Message { get; init; } = "";

    /// <summary>When set, the final answer must be a JSON value matching this JSON Schema (structured output).</summary>
    public JsonElement? ResponseSchema { get; init; }

    /// <summary>A name for <see cref="ResponseSchema"/> (some providers require one).</summary>
    public string? ResponseSchemaName { get; init; }

    /// <summary>A request with just a message.</summary>
    public static AgentRequest FromMessage(string message) => new() { Message = message };

    /// <summary>A request whose answer must be a <typeparamref name="T"/> (its JSON Schema comes from <paramref name="typeInfo"/>).</summary>
    public static AgentRequest ForOutput<T>(string message, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var schema = AIJsonUtilities.CreateJsonSchema(typeof(T), serializerOptions: typeInfo.Options);
        return new AgentRequest { Message = message, ResponseSchema = schema, ResponseSchemaName = typeof(T).Name };
    }

    /// <summary>A request with just a message.</summary>
    public static implicit operator AgentRequest(string message) => FromMessage(message);
}
