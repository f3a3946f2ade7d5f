using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

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
