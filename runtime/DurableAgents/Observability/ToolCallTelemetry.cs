using System.Diagnostics;

namespace DurableAgents.Observability;

/// <summary>
/// One tool call that executes (<c>gen_ai.tool.type</c>: <c>function</c>, or <c>extension</c> for MCP tools) (created inside the journaled step's closure, so never for a replayed call): the GenAI
/// <c>execute_tool {name}</c> span and the tool-call counter.
/// </summary>
internal readonly struct ToolCallTelemetry : IDisposable
{
    private readonly string _toolName;

    internal ToolCallTelemetry(string toolName, string callId, string toolType = "function", string? description = null)
    {
        _toolName = toolName;
        Activity = DurableAgentsTelemetry.Source.StartActivity(DurableAgentsTelemetry.ExecuteToolOperation + " " + toolName, ActivityKind.Internal);
        if (Activity is { } a)
        {
            a.SetTag(DurableAgentsTelemetry.OperationNameTag, DurableAgentsTelemetry.ExecuteToolOperation);
            a.SetTag(DurableAgentsTelemetry.ToolNameTag, toolName);
            a.SetTag(DurableAgentsTelemetry.ToolCallIdTag, callId);
            a.SetTag(DurableAgentsTelemetry.ToolTypeTag, toolType);
            if (!string.IsNullOrEmpty(description))
            {
                a.SetTag(DurableAgentsTelemetry.ToolDescriptionTag, description);
            }
        }
    }

    /// <summary>The span, or null when nobody listens.</summary>
    public Activity? Activity { get; }

    /// <summary>
    /// Counts the call with its outcome: <c>result</c>, <c>error</c> (told to the model), <c>terminal_failure</c> or
    /// <c>retryable_failure</c> (the step is retried and counted again when it runs again).
    /// </summary>
    public void Ended(string outcome, string? error = null)
    {
        if (Activity is { } a)
        {
            a.SetTag(DurableAgentsTelemetry.ToolOutcomeTag, outcome);
            if (outcome != "result")
            {
                a.SetStatus(ActivityStatusCode.Error, error);
                a.SetTag(DurableAgentsTelemetry.ErrorTypeTag, outcome);
            }
        }

        if (DurableAgentsMetrics.ToolCallCounter.Enabled)
        {
            DurableAgentsMetrics.ToolCallCounter.Add(1, new TagList
            {
                { DurableAgentsTelemetry.OperationNameTag, DurableAgentsTelemetry.ExecuteToolOperation },
                { DurableAgentsTelemetry.ToolNameTag, _toolName },
                { DurableAgentsTelemetry.ToolOutcomeTag, outcome },
            });
        }
    }

    public void Dispose() => Activity?.Dispose();
}
