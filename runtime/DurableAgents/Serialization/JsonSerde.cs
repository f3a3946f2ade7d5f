using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Serialization;

/// <summary>JSON (de)serialization helpers used by generated handlers and the context. AOT-safe with <see cref="JsonTypeInfo{T}"/>.</summary>
public static class JsonSerde
{
    /// <summary>Deserializes a handler input; malformed JSON becomes a terminal 400 (never retried).</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> input, JsonTypeInfo<T> typeInfo)
    {
        if (input.IsEmpty)
        {
            // An absent body: allowed for nullable/optional inputs, otherwise a caller error.
            if (default(T) is null)
            {
                return default!;
            }

            throw new TerminalException($"The handler expects a {typeof(T).Name} input but the request had no body.", 400);
        }

        try
        {
            return JsonSerializer.Deserialize(input.Span, typeInfo)!;
        }
        catch (JsonException e)
        {
            throw new TerminalException($"Invalid JSON input for {typeof(T).Name}: {e.Message}", 400, e);
        }
    }

    /// <summary>Deserializes a journaled value (a step result, a call result, state).</summary>
    public static T DeserializeJournaled<T>(ReadOnlySpan<byte> value, JsonTypeInfo<T> typeInfo)
    {
        if (value.IsEmpty)
        {
            return default!;
        }

        return JsonSerializer.Deserialize(value, typeInfo)!;
    }

    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    /// <summary>
    /// Read-only web-default options over <paramref name="resolvers"/>, then the built-in primitives, then reflection
    /// only when the app allows it (never under Native AOT): the chain the endpoint and the clients use.
    /// </summary>
    public static JsonSerializerOptions CreateOptions(IEnumerable<IJsonTypeInfoResolver> resolvers)
    {
        var chain = new List<IJsonTypeInfoResolver>(resolvers) { BuiltInJsonContext.Default };
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
#pragma warning disable IL2026, IL3050 // only when the app enabled reflection-based serialization
            chain.Add(new DefaultJsonTypeInfoResolver());
#pragma warning restore IL2026, IL3050
        }

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = JsonTypeInfoResolver.Combine(chain.ToArray()) };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Finds the metadata of <typeparamref name="T"/> in <paramref name="options"/>' resolver chain.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options)
    {
        if (options.TryGetTypeInfo(typeof(T), out var info) && info is JsonTypeInfo<T> typed)
        {
            return typed;
        }

        throw new InvalidOperationException(
            $"No JSON metadata for {typeof(T).FullName}. Add it to a JsonSerializerContext ([JsonSerializable(typeof({typeof(T).Name}))]) registered with the Restate endpoint, " +
            "or pass a JsonTypeInfo explicitly.");
    }
}
