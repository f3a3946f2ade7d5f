namespace DurableAgents.Agents;

/// <summary>A decision forwarded by a non-session agent's <c>approve</c> handler to <see cref="AgentApprovals"/>.</summary>
/// <param name="Agent">The agent whose <c>approve</c> handler received the decision.</param>
/// <param name="Decision">The decision.</param>
internal sealed record AgentApprovalDecision(string Agent, ApprovalDecision Decision);
