using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

/// <summary>Reads an <see cref="AgentRequest"/> from a JSON string or object (no reflection).</summary>
public sealed class AgentRequestConverter : JsonConverter<AgentRequest>
{
    /// <inheritdoc />
    public override AgentRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return AgentRequest.FromMessage(reader.GetString() ?? "");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An agent request is a JSON string or an object with a \"message\".");
        }

        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        string message = "";
        JsonElement? schema = null;
        string? schemaName = null;
        foreach (var p in root.EnumerateObject())
        {
            if (p.NameEquals("message") || p.NameEquals("Message"))
            {
                message = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText();
            }
            else if (p.NameEquals("responseSchema") || p.NameEquals("ResponseSchema"))
            {
                schema = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.Clone();
            }
            else if (p.NameEquals("responseSchemaName") || p.NameEquals("ResponseSchemaName"))
            {
                schemaName = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
            }
        }

        return new AgentRequest { Message = message, ResponseSchema = schema, ResponseSchemaName = schemaName };
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AgentRequest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("message", value.Message);
        if (value.ResponseSchema is { } schema)
        {
            writer.WritePropertyName("responseSchema");
            schema.WriteTo(writer);
        }

        if (value.ResponseSchemaName is { } name)
        {
            writer.WriteString("responseSchemaName", name);
        }

        writer.WriteEndObject();
    }
}
