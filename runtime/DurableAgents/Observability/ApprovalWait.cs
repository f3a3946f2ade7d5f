using System.Diagnostics;

namespace DurableAgents.Observability;

/// <summary>
/// Holds <see cref="DurableAgentsMetrics.ApprovalsWaiting"/> up by one while handler code awaits a human decision;
/// disposing takes it down again (decided, timed out, suspended or cancelled alike), so the gauge never drifts.
/// </summary>
internal struct ApprovalWait : IDisposable
{
    private readonly TagList _tags;
    private bool _counted;

    internal ApprovalWait(string toolName)
    {
        _tags = new TagList { { DurableAgentsTelemetry.ToolNameTag, toolName } };
        _counted = DurableAgentsMetrics.ApprovalsWaitingCounter.Enabled;
        if (_counted)
        {
            DurableAgentsMetrics.ApprovalsWaitingCounter.Add(1, _tags);
        }
    }

    public void Dispose()
    {
        if (_counted)
        {
            _counted = false;
            DurableAgentsMetrics.ApprovalsWaitingCounter.Add(-1, _tags);
        }
    }
}
