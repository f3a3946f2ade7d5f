using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>What the loop does when a tool throws a non-terminal exception (after its retries, if any).</summary>
public enum ToolErrorBehavior
{
    /// <summary>The error message goes back to the model as the tool's result (the default, like function invocation in Microsoft.Extensions.AI).</summary>
    ReturnToModel,

    /// <summary>The run fails terminally.</summary>
    FailRun,
}
