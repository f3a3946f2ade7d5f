using System.Text.Json;

namespace DurableAgents.Streaming;

/// <summary>
/// One event of an agent run's event log (see docs/streaming.md). Every event carries the run (<see cref="RunId"/>, the
/// invocation id), its place in the log (<see cref="Seq"/>, 1, 2, 3, ... without gaps), and for step events the journal
/// step (<see cref="Step"/>) and the attempt of that step (<see cref="Attempt"/>). The other members are set by type.
/// </summary>
public sealed class RunEvent
{
    /// <summary>The position in the run's log, assigned by the store: consecutive from 1. The SSE <c>id:</c>.</summary>
    public long Seq { get; set; }

    /// <summary>What happened: one of <see cref="RunEventTypes"/>.</summary>
    public string Type { get; set; } = "";

    /// <summary>The run: the agent invocation's id (<c>inv_1…</c>).</summary>
    public string RunId { get; set; } = "";

    /// <summary>The journal step the event belongs to: <c>llm:{n}</c> for a model turn, <c>tool:{callId}</c> for a tool call, <c>approval:{callId}</c>.</summary>
    public string? Step { get; set; }

    /// <summary>The attempt of <see cref="Step"/> that produced the event (1 = first; grows with every <c>step_restarted</c>).</summary>
    public int Attempt { get; set; }

    /// <summary>The position of a delta within its step attempt (1, 2, ...); null for other events.</summary>
    public int? StepSeq { get; set; }

    /// <summary>The agent's name (<c>run_started</c>).</summary>
    public string? Agent { get; set; }

    /// <summary>Text: the user message (<c>run_started</c>), a delta, a turn's whole text, or the final answer (<c>run_finished</c>).</summary>
    public string? Text { get; set; }

    /// <summary>The tool's name (tool and approval events).</summary>
    public string? ToolName { get; set; }

    /// <summary>The model's id of the tool call (tool and approval events).</summary>
    public string? CallId { get; set; }

    /// <summary>The tool call's arguments (<c>tool_call_started</c>, <c>approval_requested</c>).</summary>
    public JsonElement? Arguments { get; set; }

    /// <summary>The tool's journaled result as the model saw it (<c>tool_call_finished</c>).</summary>
    public string? Result { get; set; }

    /// <summary>The error message (<c>run_failed</c>).</summary>
    public string? Error { get; set; }

    /// <summary>The error code (<c>run_failed</c>; an HTTP-like status such as 409 for a cancelled run).</summary>
    public int? Code { get; set; }

    /// <summary>The approval id to decide with the agent's <c>approve</c> handler (approval events).</summary>
    public string? ApprovalId { get; set; }

    /// <summary>When an unanswered approval is declined (<c>approval_requested</c>).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The decision (<c>approval_decided</c>; false also when it timed out).</summary>
    public bool? Approved { get; set; }

    /// <summary>The reviewer's reason, or why it was declined (<c>approval_decided</c>).</summary>
    public string? Reason { get; set; }

    internal long Size => 64 + (Text?.Length ?? 0) + (Result?.Length ?? 0) + (Error?.Length ?? 0) + (Reason?.Length ?? 0)
        + (Arguments is { } a ? a.GetRawText().Length : 0) + (ToolName?.Length ?? 0) + (CallId?.Length ?? 0) + (ApprovalId?.Length ?? 0)
        + (Step?.Length ?? 0) + (Agent?.Length ?? 0);
}
