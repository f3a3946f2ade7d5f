using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

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
