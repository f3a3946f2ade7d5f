using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>A started tool call and its outcome. (A cancelled agent's calls to sub-agents are cancelled by the runtime.)</summary>
internal sealed record ToolInvocation(Func<Task<ToolOutcome>> Outcome)
{
    public static ToolInvocation Of(DurableFuture<ToolOutcome> future) => new(async () => await future);
}
