using Microsoft.Extensions.AI;

namespace DurableAgents.AgentFramework;

/// <summary>
/// Sits inside a journaled model step, above the agent's own chat-client pipeline: it hands that pipeline the tools as
/// declarations only, so a function-invoking layer inside the pipeline returns the model's tool calls instead of running
/// them (they run as their own journaled steps, above the model step).
/// </summary>
internal sealed class DeclarationsOnlyChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => base.GetResponseAsync(messages, Strip(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => base.GetStreamingResponseAsync(messages, Strip(options), cancellationToken);

    /// <summary>
    /// Hides the pipeline's own function-invoking layer: Agent Framework adds its function invocation above the
    /// journaled step only when the client it is given has none.
    /// </summary>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceType.IsAssignableTo(typeof(FunctionInvokingChatClient)) ? null : base.GetService(serviceType, serviceKey);
    }

    internal static ChatOptions? Strip(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || !tools.Any(static t => t is AIFunction))
        {
            return options;
        }

        var clone = options.Clone();
        clone.Tools = tools.Select(static t => t is AIFunction f ? new FunctionDeclarationOnly(f) : t).ToList();
        return clone;
    }
}
