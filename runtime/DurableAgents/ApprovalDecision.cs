using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents;

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
