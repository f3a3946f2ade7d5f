using DurableAgents.Agents;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace DurableAgents.AgentFramework;

/// <summary>
/// Makes a Microsoft Agent Framework <see cref="ChatClientAgent"/> durable inside a Restate handler: every model
/// response is a journaled step (<c>llm:{n}</c>) and every function-tool execution is a journaled step
/// (<c>tool:{name}:{callId}</c>), so after a crash the replay skips completed model turns and completed tools.
/// </summary>
/// <remarks>
/// The durable copy has the agent's options (name, instructions, chat options, history and context providers) and runs
/// over the agent's own chat-client pipeline, wrapped so that (1) the pipeline receives the tools as declarations only
/// and so returns each model response, including its tool calls, unexecuted: that response is the journaled step; and
/// (2) Agent Framework's function-invoking layer above the step runs the tools, each one a <see cref="DurableAIFunction"/>.
/// Function-invocation settings of the original pipeline (e.g. its iteration limit) are replaced by Agent Framework's
/// defaults. Build the copy in each invocation: it is bound to that invocation's context.
/// </remarks>
public static class DurableAIAgent
{
    /// <summary>A durable copy of <paramref name="agent"/> bound to <paramref name="context"/> (see the type remarks).</summary>
    public static ChatClientAgent AsDurable(this ChatClientAgent agent, IContext context, DurableAIAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(context);
        options ??= new DurableAIAgentOptions();
        var agentOptions = agent.GetService(typeof(ChatClientAgentOptions)) is ChatClientAgentOptions configured
            ? configured.Clone()
            : new ChatClientAgentOptions { Name = agent.Name, Description = agent.Description, ChatOptions = agent.Instructions is null ? null : new ChatOptions { Instructions = agent.Instructions } };
        agentOptions.Id ??= agent.Id;
        agentOptions.ChatOptions = WithDurableTools(agentOptions.ChatOptions, context, options);

        // Agent Framework's default middleware (function invocation) goes on top of the journaled model step.
        agentOptions.UseProvidedChatClientAsIs = false;
        var model = new DurableChatClient(new DeclarationsOnlyChatClient(agent.ChatClient), context, new DurableChatClientOptions
        {
            StepPrefix = options.ModelStepPrefix,
            RetryPolicy = options.ModelRetryPolicy,
        });
        return new ChatClientAgent(model, agentOptions);
    }

    /// <summary>
    /// A copy of <paramref name="chatOptions"/> whose function tools are <see cref="DurableAIFunction"/>s bound to
    /// <paramref name="context"/> (an approval-required function stays approval-required, its body journaled).
    /// </summary>
    public static ChatOptions? WithDurableTools(ChatOptions? chatOptions, IContext context, DurableAIAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (chatOptions?.Tools is not { Count: > 0 } tools)
        {
            return chatOptions;
        }

        var clone = chatOptions.Clone();
        clone.Tools = tools.Select(t => Durable(t, context, options?.ToolRetryPolicy)).ToList();
        return clone;
    }

    private static AITool Durable(AITool tool, IContext context, RetryPolicy? retryPolicy) => tool switch
    {
        DurableAIFunction => tool,
        ApprovalRequiredAIFunction approval when approval.GetService(typeof(DurableAIFunction)) is not null => tool,
        ApprovalRequiredAIFunction approval => new ApprovalRequiredAIFunction(new DurableAIFunction(approval, context, retryPolicy)),
        AIFunction function => new DurableAIFunction(function, context, retryPolicy),
        _ => tool,
    };
}
