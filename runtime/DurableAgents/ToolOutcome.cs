using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

/// <summary>The journaled outcome of one tool step: a result, an error for the model, or a terminal failure.</summary>
internal sealed record ToolOutcome
{
    public JsonElement? Result { get; init; }

    public string? Error { get; init; }

    public ushort? TerminalCode { get; init; }

    public string? TerminalMessage { get; init; }
}
