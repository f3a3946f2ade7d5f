namespace DurableAgents.Agents;

/// <summary>
/// The pending approvals of one run of a non-session agent, as the <see cref="AgentApprovals"/> Virtual Object keeps
/// them (its state, and the input of its <c>add</c> handler).
/// </summary>
/// <param name="Agent">The agent's service name.</param>
/// <param name="Approvals">The approvals still waiting for a decision, in request order.</param>
internal sealed record ApprovalBatch(string Agent, List<PendingApproval> Approvals);
