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

/// <summary>The result of an agent run.</summary>
public sealed record AgentResponse
{
    /// <summary>The final answer text.</summary>
    public string Text { get; init; } = "";

    /// <summary>The structured answer when the request had a response schema (the answer parsed as JSON).</summary>
    public JsonElement? Output { get; init; }

    /// <summary>The number of model turns of this run.</summary>
    public int Turns { get; init; }

    /// <summary>The number of tool calls executed (approved ones only).</summary>
    public int ToolCalls { get; init; }

    /// <summary>Input tokens over all turns, when the provider reports them.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Output tokens over all turns, when the provider reports them.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>The model id of the last response.</summary>
    public string? ModelId { get; init; }

    /// <summary>Deserializes <see cref="Output"/> (or the text when it is JSON) as <typeparamref name="T"/>.</summary>
    public T GetOutput<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (Output is { } output)
        {
            return output.Deserialize(typeInfo)!;
        }

        try
        {
            return JsonSerializer.Deserialize(Text, typeInfo)!;
        }
        catch (JsonException e)
        {
            throw new TerminalException($"The agent's answer is not a {typeof(T).Name}: {e.Message}", 500, e);
        }
    }
}

/// <summary>A tool call waiting for a human decision (exposed by the agent's <c>approvals</c> handler).</summary>
public sealed record PendingApproval
{
    /// <summary>The approval id (the awakeable id): pass it back in <see cref="ApprovalDecision.Id"/>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The tool the model wants to call.</summary>
    public string ToolName { get; init; } = "";

    /// <summary>The model's tool-call id.</summary>
    public string CallId { get; init; } = "";

    /// <summary>The model's arguments.</summary>
    public JsonElement Arguments { get; init; }

    /// <summary>When the request is declined automatically.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The request as Microsoft.Extensions.AI content.</summary>
    public ToolApprovalRequestContent ToToolApprovalRequestContent()
    {
        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in Arguments.EnumerateObject())
            {
                args[p.Name] = p.Value.Clone();
            }
        }

        return new ToolApprovalRequestContent(Id, new FunctionCallContent(CallId, ToolName, args));
    }
}

/// <summary>A human decision on a <see cref="PendingApproval"/> (the input of the agent's <c>approve</c> handler).</summary>
public sealed record ApprovalDecision
{
    /// <summary>The approval id from <see cref="PendingApproval.Id"/>.</summary>
    public string Id { get; init; } = "";

    /// <summary>Whether the tool may run.</summary>
    public bool Approved { get; init; }

    /// <summary>Why (shown to the model when declined).</summary>
    public string? Reason { get; init; }

    /// <summary>Approve <paramref name="id"/>.</summary>
    public static ApprovalDecision Approve(string id, string? reason = null) => new() { Id = id, Approved = true, Reason = reason };

    /// <summary>Reject <paramref name="id"/>.</summary>
    public static ApprovalDecision Reject(string id, string? reason = null) => new() { Id = id, Approved = false, Reason = reason };

    /// <summary>A decision from Microsoft.Extensions.AI's approval response content.</summary>
    public static ApprovalDecision From(ToolApprovalResponseContent response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new ApprovalDecision { Id = response.RequestId, Approved = response.Approved, Reason = response.Reason };
    }
}

/// <summary>The journaled outcome of one tool step: a result, an error for the model, or a terminal failure.</summary>
internal sealed record ToolOutcome
{
    public JsonElement? Result { get; init; }

    public string? Error { get; init; }

    public ushort? TerminalCode { get; init; }

    public string? TerminalMessage { get; init; }
}

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

/// <summary>Source-generated JSON metadata of the agent runtime's own types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentRequest))]
[JsonSerializable(typeof(AgentResponse))]
[JsonSerializable(typeof(PendingApproval))]
[JsonSerializable(typeof(List<PendingApproval>))]
[JsonSerializable(typeof(ApprovalDecision))]
[JsonSerializable(typeof(ToolOutcome))]
[JsonSerializable(typeof(DurableAgents.Agents.ApprovalBatch))]
[JsonSerializable(typeof(DurableAgents.Agents.AgentApprovalDecision))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
