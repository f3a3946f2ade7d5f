using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>Options of a <see cref="DurableChatClient"/>.</summary>
public sealed record DurableChatClientOptions
{
    /// <summary>The journal step names are <c>{StepPrefix}:{n}</c>, n counting the client's calls from 1.</summary>
    public string StepPrefix { get; init; } = "llm";

    /// <summary>How failed model calls are retried (null: Restate's invocation retry policy).</summary>
    public RetryPolicy? RetryPolicy { get; init; } = DurableAgentOptions.DefaultModelRetryPolicy;

    /// <summary>Map provider HTTP errors (429 Retry-After, terminal 4xx) with <see cref="ProviderErrors"/>. On by default.</summary>
    public bool ClassifyProviderErrors { get; init; } = true;

    /// <summary>Publishes the live text of streaming calls to the run's event log (set by the agent loop).</summary>
    internal Streaming.RunEventPublisher? LiveDeltas { get; init; }
}
