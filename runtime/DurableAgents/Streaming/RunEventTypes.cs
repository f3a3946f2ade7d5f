namespace DurableAgents.Streaming;

/// <summary>The values of <see cref="RunEvent.Type"/>.</summary>
public static class RunEventTypes
{
    /// <summary>The run began (<see cref="RunEvent.Agent"/>, the user message in <see cref="RunEvent.Text"/>). Journaled.</summary>
    public const string RunStarted = "run_started";

    /// <summary>A piece of a model turn's text (<see cref="RunEvent.Step"/> = <c>llm:{n}</c>). Live, or filled in from the journal.</summary>
    public const string TextDelta = "text_delta";

    /// <summary>
    /// The deltas of <see cref="RunEvent.Step"/> seen so far belong to an attempt that did not finish: discard them; the
    /// step's text starts again with the next delta. <see cref="RunEvent.Attempt"/> is the new attempt.
    /// </summary>
    public const string StepRestarted = "step_restarted";

    /// <summary>A model turn is journaled; <see cref="RunEvent.Text"/> is its whole text (the concatenation of the step's deltas since its last restart).</summary>
    public const string MessageCompleted = "message_completed";

    /// <summary>The model asked for a tool call (<see cref="RunEvent.ToolName"/>, <see cref="RunEvent.CallId"/>, <see cref="RunEvent.Arguments"/>). Journaled.</summary>
    public const string ToolCallStarted = "tool_call_started";

    /// <summary>A tool call has its journaled result (<see cref="RunEvent.Result"/>). Journaled.</summary>
    public const string ToolCallFinished = "tool_call_finished";

    /// <summary>A tool call waits for a human (<see cref="RunEvent.ApprovalId"/>, <see cref="RunEvent.ExpiresAt"/>). Journaled.</summary>
    public const string ApprovalRequested = "approval_requested";

    /// <summary>A human decided, or the approval timed out (<see cref="RunEvent.Approved"/>, <see cref="RunEvent.Reason"/>). Journaled.</summary>
    public const string ApprovalDecided = "approval_decided";

    /// <summary>The run answered (<see cref="RunEvent.Text"/>); the last event of the run. Journaled.</summary>
    public const string RunFinished = "run_finished";

    /// <summary>The run failed terminally (<see cref="RunEvent.Error"/>, <see cref="RunEvent.Code"/>); the last event of the run. Journaled.</summary>
    public const string RunFailed = "run_failed";

    /// <summary>Whether <paramref name="type"/> ends a run.</summary>
    public static bool IsTerminal(string? type) => type is RunFinished or RunFailed;
}
