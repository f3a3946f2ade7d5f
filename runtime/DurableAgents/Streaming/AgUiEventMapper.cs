using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableAgents.Streaming;

/// <summary>
/// Turns a run's events into AG-UI protocol events (one run event may become several). Stateful per stream: it tracks
/// the open text message of a model step, so a resumed stream replays the earlier events through it first. A model
/// step's text is one AG-UI message per attempt (<c>{runId}:{step}:{attempt}</c>); a <c>step_restarted</c> ends the
/// message of the abandoned attempt and is sent as a <c>CUSTOM</c> event named <c>step_restarted</c> whose value names
/// the message to discard. Approvals are <c>CUSTOM</c> events <c>approval_requested</c> / <c>approval_decided</c>.
/// </summary>
public sealed class AgUiEventMapper
{
    private readonly string _threadId;
    private string? _openMessage;

    /// <summary>A mapper for one stream; <paramref name="threadId"/> goes into RUN_STARTED/RUN_FINISHED (default: the run id).</summary>
    public AgUiEventMapper(string? threadId = null) => _threadId = threadId ?? "";

    /// <summary>The AG-UI events for <paramref name="e"/>, in order.</summary>
    public IReadOnlyList<JsonObject> Map(RunEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var output = new List<JsonObject>(3);
        var thread = _threadId.Length > 0 ? _threadId : e.RunId;
        switch (e.Type)
        {
            case RunEventTypes.RunStarted:
                output.Add(new JsonObject { ["type"] = "RUN_STARTED", ["threadId"] = thread, ["runId"] = e.RunId });
                break;
            case RunEventTypes.TextDelta:
                var id = MessageId(e);
                if (_openMessage != id)
                {
                    Close(output);
                    output.Add(new JsonObject { ["type"] = "TEXT_MESSAGE_START", ["messageId"] = id, ["role"] = "assistant" });
                    _openMessage = id;
                }

                output.Add(new JsonObject { ["type"] = "TEXT_MESSAGE_CONTENT", ["messageId"] = id, ["delta"] = e.Text ?? "" });
                break;
            case RunEventTypes.StepRestarted:
                var discarded = _openMessage;
                Close(output);
                output.Add(Custom("step_restarted", new JsonObject
                {
                    ["step"] = e.Step,
                    ["attempt"] = e.Attempt,
                    ["discardMessageId"] = discarded ?? $"{e.RunId}:{e.Step}:{e.Attempt - 1}",
                }));
                break;
            case RunEventTypes.MessageCompleted:
                Close(output);
                break;
            case RunEventTypes.ToolCallStarted:
                Close(output);
                output.Add(new JsonObject { ["type"] = "TOOL_CALL_START", ["toolCallId"] = e.CallId, ["toolCallName"] = e.ToolName });
                output.Add(new JsonObject { ["type"] = "TOOL_CALL_ARGS", ["toolCallId"] = e.CallId, ["delta"] = e.Arguments is { } a ? a.GetRawText() : "{}" });
                output.Add(new JsonObject { ["type"] = "TOOL_CALL_END", ["toolCallId"] = e.CallId });
                break;
            case RunEventTypes.ToolCallFinished:
                output.Add(new JsonObject
                {
                    ["type"] = "TOOL_CALL_RESULT",
                    ["messageId"] = $"{e.RunId}:result:{e.CallId}",
                    ["toolCallId"] = e.CallId,
                    ["content"] = e.Result ?? "",
                    ["role"] = "tool",
                });
                break;
            case RunEventTypes.ApprovalRequested:
                output.Add(Custom("approval_requested", new JsonObject
                {
                    ["approvalId"] = e.ApprovalId,
                    ["toolCallId"] = e.CallId,
                    ["toolName"] = e.ToolName,
                    ["arguments"] = e.Arguments is { } args ? JsonNode.Parse(args.GetRawText()) : null,
                    ["expiresAt"] = e.ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                }));
                break;
            case RunEventTypes.ApprovalDecided:
                output.Add(Custom("approval_decided", new JsonObject
                {
                    ["approvalId"] = e.ApprovalId,
                    ["toolCallId"] = e.CallId,
                    ["toolName"] = e.ToolName,
                    ["approved"] = e.Approved ?? false,
                    ["reason"] = e.Reason,
                }));
                break;
            case RunEventTypes.RunFinished:
                Close(output);
                output.Add(new JsonObject { ["type"] = "RUN_FINISHED", ["threadId"] = thread, ["runId"] = e.RunId, ["result"] = e.Text ?? "" });
                break;
            case RunEventTypes.RunFailed:
                Close(output);
                var error = new JsonObject { ["type"] = "RUN_ERROR", ["message"] = e.Error ?? "The run failed." };
                if (e.Code is { } code)
                {
                    error["code"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                output.Add(error);
                break;
        }

        return output;
    }

    private static string MessageId(RunEvent e) => $"{e.RunId}:{e.Step}:{e.Attempt}";

    private void Close(List<JsonObject> output)
    {
        if (_openMessage is { } open)
        {
            output.Add(new JsonObject { ["type"] = "TEXT_MESSAGE_END", ["messageId"] = open });
            _openMessage = null;
        }
    }

    private static JsonObject Custom(string name, JsonObject value)
    {
        // AG-UI rejects null members where a field is optional: leave them out.
        foreach (var key in value.Where(static p => p.Value is null).Select(static p => p.Key).ToList())
        {
            value.Remove(key);
        }

        return new JsonObject { ["type"] = "CUSTOM", ["name"] = name, ["value"] = value };
    }
}
