using DurableAgents.Agents;

namespace DurableAgents.AgentFramework;

/// <summary>Options of a durable run of a Microsoft Agent Framework agent (see <see cref="AgentFrameworkContextExtensions"/>).</summary>
public sealed record DurableAIAgentOptions
{
    /// <summary>The prefix of the model steps: <c>{ModelStepPrefix}:{n}</c>, n counting the run's model calls from 1.</summary>
    public string ModelStepPrefix { get; init; } = "llm";

    /// <summary>How failed model calls are retried (null: Restate's invocation retry policy).</summary>
    public RetryPolicy? ModelRetryPolicy { get; init; } = DurableAgentOptions.DefaultModelRetryPolicy;

    /// <summary>
    /// How failed tool calls are retried. Null (the default): a failing tool is not retried; its error is journaled and
    /// the model is told, as in the runtime's own agent loop.
    /// </summary>
    public RetryPolicy? ToolRetryPolicy { get; init; }

    /// <summary>
    /// The Virtual Object state key of the agent's serialized session. Null: <c>maf:session:{agent name}</c> (an agent
    /// with no name must be given a key, as its id is not stable across invocations).
    /// </summary>
    public string? SessionStateKey { get; init; }

    /// <summary>
    /// The step name of a whole run of an agent that is not a <c>ChatClientAgent</c> (journaled as one step). Null:
    /// <c>agent:{agent name}</c>.
    /// </summary>
    public string? RunStepName { get; init; }

    /// <summary>How a failed whole-run step is retried (agents that are not a <c>ChatClientAgent</c>). Null: Restate's invocation retry policy.</summary>
    public RetryPolicy? RunRetryPolicy { get; init; } = DurableAgentOptions.DefaultModelRetryPolicy;
}
