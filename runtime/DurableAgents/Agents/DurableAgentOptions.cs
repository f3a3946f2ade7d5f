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

/// <summary>When and how a session's history is compacted by a journaled summarization call.</summary>
public sealed record HistoryCompaction
{
    /// <summary>Compact when the history's text exceeds this many characters (0 = never).</summary>
    public int MaxCharacters { get; init; } = 24_000;

    /// <summary>The most recent messages kept verbatim (the rest is summarized).</summary>
    public int KeepLastMessages { get; init; } = 6;

    /// <summary>The instructions of the summarization call.</summary>
    public string Instructions { get; init; } = "Summarize the conversation so far in a few sentences. Keep names, numbers, decisions and open questions.";
}

/// <summary>Options of one durable agent run. Start from the generated defaults and adjust in <see cref="IConfigureDurableAgent.Configure"/>.</summary>
public sealed class DurableAgentOptions
{
    /// <summary>The default retry policy of model calls: 6 attempts, 1 s doubling to 30 s.</summary>
    public static RetryPolicy DefaultModelRetryPolicy { get; } = RetryPolicy.Exponential(TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30), maxAttempts: 6);

    /// <summary>The default maximum number of model turns per run.</summary>
    public const int DefaultMaxTurns = 10;

    /// <summary>The system instructions (prepended to every model call, not stored in the session history).</summary>
    public string? Instructions { get; set; }

    /// <summary>The maximum number of model turns; the last turn is offered no tools, so the model must answer.</summary>
    public int MaxTurns { get; set; } = DefaultMaxTurns;

    /// <summary>The model. Null: the keyed <see cref="IChatClient"/> service named after the agent, else the
    /// <see cref="IChatClient"/> service, else <see cref="DurableAgentModels.FromEnvironment()"/>.</summary>
    public IChatClient? ChatClient { get; set; }

    /// <summary>Chat options of every model call (model id, temperature, ...). Tools are set by the loop.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>The tools: the generated <c>[DurableTool]</c>s, plus any added here (see <see cref="DurableTool.FromFunction"/> and <see cref="DurableTool.FromAgent"/>).</summary>
    public IList<DurableTool> Tools { get; } = new List<DurableTool>();

    /// <summary>Retry policy of each model call (a 429 with Retry-After waits as told; other 4xx fail at once).</summary>
    public RetryPolicy? ModelRetryPolicy { get; set; } = DefaultModelRetryPolicy;

    /// <summary>Retry policy of each tool call. Null (the default): a failing tool is not retried; see <see cref="ToolErrors"/>.</summary>
    public RetryPolicy? ToolRetryPolicy { get; set; }

    /// <summary>What happens when a tool fails (after <see cref="ToolRetryPolicy"/>). Terminal exceptions always fail the run.</summary>
    public ToolErrorBehavior ToolErrors { get; set; } = ToolErrorBehavior.ReturnToModel;

    /// <summary>How long an approval request waits before it is declined.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Use the streaming API for model calls; <see cref="OnUpdate"/> receives the live updates.</summary>
    public bool Streaming { get; set; }

    /// <summary>Receives streaming updates (live on first execution, the journaled response as updates on replay).</summary>
    public Action<ChatResponseUpdate>? OnUpdate { get; set; }

    /// <summary>Session history compaction (session agents only).</summary>
    public HistoryCompaction Compaction { get; set; } = new();

    /// <summary>Called (inside a journaled step, once) when tool calls wait for approval, e.g. to notify a reviewer.</summary>
    [RunsInDurableStep]
    public Func<IReadOnlyList<PendingApproval>, CancellationToken, Task>? OnApprovalRequested { get; set; }
}

/// <summary>Implement on a <c>[DurableAgent]</c> class to adjust its options per run (instructions, model, tools, retries).</summary>
public interface IConfigureDurableAgent
{
    /// <summary>Adjusts <paramref name="options"/>. Runs on every attempt: keep it deterministic.</summary>
    void Configure(DurableAgentOptions options);
}

/// <summary>The system instructions of a <c>[DurableAgent]</c> class.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AgentInstructionsAttribute(string instructions) : Attribute
{
    /// <summary>The instructions.</summary>
    public string Instructions { get; } = instructions;
}

/// <summary>Everything the generated handlers pass to the runtime about one agent class.</summary>
public sealed record DurableAgentSpec
{
    /// <summary>The agent's Restate service name.</summary>
    public required string Name { get; init; }

    /// <summary>What the agent does (its tool description when another agent calls it).</summary>
    public string? Description { get; init; }

    /// <summary>The system instructions.</summary>
    public string? Instructions { get; init; }

    /// <summary>The maximum number of model turns (0 = <see cref="DurableAgentOptions.DefaultMaxTurns"/>).</summary>
    public int MaxTurns { get; init; }

    /// <summary>Whether the agent is a session (a Virtual Object keyed by session id).</summary>
    public bool Session { get; init; }

    /// <summary>The generated tools.</summary>
    public IReadOnlyList<DurableTool> Tools { get; init; } = [];

    /// <summary>The per-run options hook (the class's <see cref="IConfigureDurableAgent"/>).</summary>
    public Action<DurableAgentOptions>? Configure { get; init; }
}
