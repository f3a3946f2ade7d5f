using DurableAgents.Mcp;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

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

    /// <summary>
    /// MCP servers whose tools the agent may call: listed once per run (the journaled step <c>mcp:{server}:tools</c>),
    /// each call the journaled step <c>mcp:{server}:{tool}:{callId}</c>. See <see cref="McpServer"/>.
    /// </summary>
    public IList<McpServer> McpServers { get; } = new List<McpServer>();

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

    /// <summary>
    /// Publish this agent's run events (docs/streaming.md). Null (the default): when the service registered
    /// <c>services.AddDurableAgentStreams()</c>. Changing it changes the run's journal: do not flip it under in-flight runs.
    /// </summary>
    public bool? PublishRunEvents { get; set; }
}
