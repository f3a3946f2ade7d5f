using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>
/// Human approval of tool calls inside the agent loop, and the <c>approve</c>/<c>approvals</c> handlers. A session agent
/// keeps its pending approvals in its own state (<see cref="DurableAgentRunner.ApprovalsKey"/>); a non-session agent
/// records them in the <see cref="AgentApprovals"/> Virtual Object, keyed by the run's invocation id.
/// </summary>
internal static class ToolApprovals
{
    /// <summary>The longest approval id accepted from a caller.</summary>
    private const int MaxApprovalIdLength = 256;

    /// <summary>
    /// Requests approval for the gated calls among <paramref name="calls"/> (those without a result yet whose tool
    /// requires approval) and fills <paramref name="results"/> for the declined ones. Awakeables are created all at once,
    /// the requests published (session state, or <see cref="AgentApprovals"/> when <paramref name="recordAs"/> names
    /// the agent; then <see cref="DurableAgentOptions.OnApprovalRequested"/>), and the decisions awaited in call order,
    /// raced with one durable timer.
    /// </summary>
    public static async Task RequestAsync(IContext context, IObjectContext? session, string? recordAs, List<FunctionCallContent> calls, DurableTool?[] tools,
        JsonElement[] arguments, AIContent?[] results, DurableAgentOptions options)
    {
        var indexes = new List<int>();
        for (var i = 0; i < calls.Count; i++)
        {
            if (results[i] is null && tools[i] is { RequiresApproval: true })
            {
                indexes.Add(i);
            }
        }

        if (indexes.Count == 0)
        {
            return;
        }

        var now = await context.NowAsync();
        var awakeables = new Awakeable<ApprovalDecision>[indexes.Count];
        var pending = new List<PendingApproval>(indexes.Count);
        for (var k = 0; k < indexes.Count; k++)
        {
            var i = indexes[k];
            awakeables[k] = context.Awakeable(AgentJson.Decision);
            pending.Add(new PendingApproval
            {
                Id = awakeables[k].Id,
                ToolName = calls[i].Name,
                CallId = calls[i].CallId,
                Arguments = arguments[i],
                ExpiresAt = now + options.ApprovalTimeout,
            });
        }

        List<PendingApproval>? stored = null;
        if (session is not null)
        {
            stored = await session.GetAsync(DurableAgentRunner.ApprovalsKey, AgentJson.Approvals) ?? [];
            stored.AddRange(pending);
            session.Set(DurableAgentRunner.ApprovalsKey, stored, AgentJson.Approvals);
        }
        else if (recordAs is not null)
        {
            // Recorded (and acknowledged) before anyone is notified, so a reviewer who lists approvals finds them.
            await AgentApprovals.RecordAsync(context, recordAs, pending);
        }

        var events = Streaming.RunEventPublisher.For(context, options);
        events?.ApprovalsRequested(pending);
        if (options.OnApprovalRequested is { } notify)
        {
            await context.RunAsync("approval:notify:" + pending[0].CallId, ct => notify(pending, ct));
        }

        var decisions = new ApprovalDecision?[indexes.Count];
        var timeout = context.SleepAsync(options.ApprovalTimeout, "approval-timeout");
        for (var k = 0; k < indexes.Count; k++)
        {
            int first;
            using (DurableAgentsTelemetry.AwaitingApproval(pending[k].ToolName))
            {
                first = await context.WhenAny(awakeables[k].Value, timeout);
            }

            if (first == 0)
            {
                decisions[k] = await awakeables[k].Value;
            }
        }

        if (session is not null && stored is not null)
        {
            var decided = new HashSet<string>(pending.Select(static p => p.Id), StringComparer.Ordinal);
            stored.RemoveAll(p => decided.Contains(p.Id));
            session.Set(DurableAgentRunner.ApprovalsKey, stored, AgentJson.Approvals);
        }
        else if (recordAs is not null)
        {
            // Remove what is still pending of this batch. An id the object no longer had was decided through `approve`
            // while (or just before) the timer fired: that decision was accepted, so it is honoured.
            var expired = await AgentApprovals.ExpireAsync(context, pending.Select(static p => p.Id).ToList());
            var gone = new HashSet<string>(expired, StringComparer.Ordinal);
            for (var k = 0; k < indexes.Count; k++)
            {
                if (decisions[k] is null && !gone.Contains(pending[k].Id))
                {
                    decisions[k] = await awakeables[k].Value;
                }
            }
        }

        events?.ApprovalsDecided(pending, decisions);
        for (var k = 0; k < indexes.Count; k++)
        {
            var i = indexes[k];
            if (decisions[k] is not { } decision)
            {
                results[i] = new FunctionResultContent(calls[i].CallId,
                    $"Error: nobody approved this tool call within {options.ApprovalTimeout}; it was declined and not executed.");
            }
            else if (!decision.Approved)
            {
                results[i] = new FunctionResultContent(calls[i].CallId,
                    "Error: a human declined this tool call; it was not executed." + (string.IsNullOrWhiteSpace(decision.Reason) ? "" : " Reason: " + decision.Reason));
            }
        }
    }

    /// <summary>
    /// Delivers a decision. Session: the id must be pending in the session's state (else 404), then the awakeable is
    /// resolved. Non-session: the run is found from the approval id and <see cref="AgentApprovals"/> checks and delivers
    /// it (404 when unknown, already decided or expired).
    /// </summary>
    public static async Task<bool> ApproveAsync(IContext context, ApprovalDecision decision, string? agentName)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decision);
        if (string.IsNullOrEmpty(decision.Id))
        {
            throw new TerminalException("An approval decision needs the approval id.", 400);
        }

        if (decision.Id.Length > MaxApprovalIdLength)
        {
            throw new TerminalException($"An approval id has at most {MaxApprovalIdLength} characters.", 400);
        }

        if (context is ISharedObjectContext keyed)
        {
            var pending = await keyed.GetAsync(DurableAgentRunner.ApprovalsKey, AgentJson.Approvals) ?? [];
            if (!pending.Exists(p => p.Id == decision.Id))
            {
                throw new TerminalException($"No pending approval '{decision.Id}' in session '{keyed.Key}'.", 404);
            }

            context.ResolveAwakeable(decision.Id, decision, AgentJson.Decision);
            return decision.Approved;
        }

        var agent = AgentName(agentName);
        var runId = Internal.RestateIds.InvocationIdOfAwakeable(decision.Id)
            ?? throw new TerminalException($"No pending approval '{decision.Id}' for agent '{agent}'.", 404);
        return await AgentApprovals.DecideAsync(context, runId, agent, decision);
    }

    /// <summary>The pending approvals of the run <paramref name="invocationId"/> of a non-session agent.</summary>
    public static async Task<List<PendingApproval>> ListAsync(IContext context, string? invocationId, string? agentName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Internal.RestateIds.IsInvocationId(invocationId))
        {
            throw new TerminalException("Pass the run's invocation id (inv_1…, as returned by the ingress for the run) to list its approvals.", 400);
        }

        return await AgentApprovals.ListAsync(context, invocationId!, AgentName(agentName));
    }

    private static string AgentName(string? agentName)
        => string.IsNullOrEmpty(agentName)
            ? throw new TerminalException("A non-session agent's approvals need the agent's name.", 500)
            : agentName;
}
