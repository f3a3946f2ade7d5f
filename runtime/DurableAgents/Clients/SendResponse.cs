namespace DurableAgents.Clients;

/// <summary>The answer of Restate to a send (HTTP 202).</summary>
/// <param name="InvocationId">The id of the invocation that was created (or found, for a repeated idempotent send).</param>
/// <param name="Status">Restate's status: <c>Accepted</c>, or <c>PreviouslyAccepted</c> for a repeated idempotent send.</param>
/// <param name="ExecutionTime">When a delayed invocation is scheduled to run; null for an immediate one.</param>
public sealed record SendResponse(string InvocationId, string Status, DateTimeOffset? ExecutionTime);
