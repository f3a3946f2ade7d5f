using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Serialization;

namespace DurableAgents.Clients;

/// <summary>Helpers shared by <see cref="IngressClient"/> and <see cref="AdminClient"/>.</summary>
internal static class ClientSupport
{
    private static JsonSerializerOptions? s_defaultJson;

    /// <summary>Web defaults with the built-in source-generated metadata, plus reflection only when the app allows it.</summary>
    public static JsonSerializerOptions DefaultJson
    {
        get
        {
            s_defaultJson ??= JsonSerde.CreateOptions([]);
            return s_defaultJson;
        }
    }

    /// <summary>Resolves a relative, already-escaped path against the client's base address (a missing trailing slash is tolerated).</summary>
    public static Uri Resolve(HttpClient http, string relativePath, string apiName)
    {
        var baseAddress = http.BaseAddress
            ?? throw new InvalidOperationException($"HttpClient.BaseAddress must be set to the Restate {apiName} URL.");
        var text = baseAddress.AbsoluteUri;
        if (!text.EndsWith('/'))
        {
            text += "/";
        }

        return new Uri(text + relativePath, UriKind.Absolute);
    }

    /// <summary>Percent-escapes one path segment (so keys may contain '/', spaces or any Unicode).</summary>
    public static string Segment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.EscapeDataString(value);
    }

    /// <summary>Deserializes a response body; an empty body is <c>default</c>.</summary>
    public static T Deserialize<T>(byte[] body, JsonTypeInfo<T> typeInfo)
        => body.Length == 0 ? default! : JsonSerializer.Deserialize(body, typeInfo)!;

    /// <summary>Parses a JSON object; null when the text is empty or not a JSON object.</summary>
    public static JsonObject? TryParseObject(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string property, or null when absent or not a string.</summary>
    public static string? GetString(JsonObject obj, string name)
        => obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>An integer property, or null when absent or not a number.</summary>
    public static int? GetInt(JsonObject obj, string name)
        => obj[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    /// <summary>A boolean property, or null when absent or not a boolean.</summary>
    public static bool? GetBool(JsonObject obj, string name)
        => obj[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>The first value of a response header, or null.</summary>
    public static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
