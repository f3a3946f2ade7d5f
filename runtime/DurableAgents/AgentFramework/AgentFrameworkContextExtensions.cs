using System.Text.Json;
using DurableAgents.Agents;
using DurableAgents.Serialization;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using MafAgentResponse = Microsoft.Agents.AI.AgentResponse;

namespace DurableAgents.AgentFramework;

/// <summary>
/// Runs a Microsoft Agent Framework <see cref="AIAgent"/> durably inside a Restate handler.
/// </summary>
/// <remarks>
/// Granularity: a <see cref="ChatClientAgent"/> is run as its durable copy (<see cref="DurableAIAgent.AsDurable"/>): one
/// journaled step per model response and one per function-tool execution. Any other agent is journaled as one step
/// per run (<c>agent:{name}</c>): a crash during the run runs it again from its start, and its tools are not journaled
/// separately. The session is the agent's own serialization (<see cref="AIAgent.SerializeSessionAsync"/>): with an
/// <see cref="IObjectContext"/> it is kept in the object's state (a journaled state write), otherwise it is passed in
/// and returned explicitly.
/// </remarks>
public static class AgentFrameworkContextExtensions
{
    /// <summary>The state key prefix of sessions kept in Virtual Object state: <c>maf:session:{agent name}</c>.</summary>
    public const string SessionStatePrefix = "maf:session:";

    /// <summary>The largest serialized session kept in state or accepted as input (bytes of JSON).</summary>
    public const int MaxSessionBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="agent"/> on <paramref name="message"/> in the session kept in this Virtual Object's state
    /// (loaded before the run, stored after it).
    /// </summary>
    public static Task<MafAgentResponse> RunAgentAsync(this IObjectContext context, AIAgent agent, string message, DurableAIAgentOptions? options = null, AgentRunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return context.RunAgentAsync(agent, [new ChatMessage(ChatRole.User, message)], options, runOptions);
    }

    /// <summary>
    /// Runs <paramref name="agent"/> on <paramref name="messages"/> in the session kept in this Virtual Object's state
    /// (loaded before the run, stored after it).
    /// </summary>
    public static async Task<MafAgentResponse> RunAgentAsync(this IObjectContext context, AIAgent agent, IEnumerable<ChatMessage> messages, DurableAIAgentOptions? options = null, AgentRunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(messages);
        options ??= new DurableAIAgentOptions();
        var key = SessionKey(agent, options);
        var stored = await context.GetAsync(key, BuiltInJsonContext.Default.JsonElement);
        JsonElement? session = stored.ValueKind == JsonValueKind.Undefined ? null : stored;
        var run = await RunCoreAsync(context, agent, messages.ToList(), session, options, runOptions).ConfigureAwait(false);
        CheckSize(run.Session, "The agent's serialized session");
        context.Set(key, run.Session, BuiltInJsonContext.Default.JsonElement);
        return run.Response;
    }

    /// <summary>Runs <paramref name="agent"/> on <paramref name="message"/> in <paramref name="session"/> (null: a new session).</summary>
    public static Task<DurableAIAgentRun> RunAgentAsync(this IContext context, AIAgent agent, string message, JsonElement? session, DurableAIAgentOptions? options = null, AgentRunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return context.RunAgentAsync(agent, [new ChatMessage(ChatRole.User, message)], session, options, runOptions);
    }

    /// <summary>
    /// Runs <paramref name="agent"/> on <paramref name="messages"/> in <paramref name="session"/> (a session serialized
    /// by the agent; null: a new session) and returns the response with the session after the run.
    /// </summary>
    public static Task<DurableAIAgentRun> RunAgentAsync(this IContext context, AIAgent agent, IEnumerable<ChatMessage> messages, JsonElement? session, DurableAIAgentOptions? options = null, AgentRunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(messages);
        if (session is { } s)
        {
            CheckSize(s, "The session");
        }

        return RunCoreAsync(context, agent, messages.ToList(), session, options ?? new DurableAIAgentOptions(), runOptions);
    }

    private static async Task<DurableAIAgentRun> RunCoreAsync(IContext context, AIAgent agent, List<ChatMessage> messages, JsonElement? session, DurableAIAgentOptions options, AgentRunOptions? runOptions)
    {
        if (agent is ChatClientAgent chatAgent)
        {
            var durable = chatAgent.AsDurable(context, options);
            var agentSession = await LoadSessionAsync(durable, session).ConfigureAwait(false);
            var response = await durable.RunAsync(messages, agentSession, DurableRunOptions(runOptions, context, options)).ConfigureAwait(false);

            // Deterministic: the session changed only through journaled model responses and tool results.
            var serialized = await durable.SerializeSessionAsync(agentSession).ConfigureAwait(false);
            response.RawRepresentation = null;
            return new DurableAIAgentRun(response, serialized.Clone());
        }

        var stepName = options.RunStepName ?? "agent:" + (agent.Name ?? "agent");
        var record = await context.RunAsync(stepName, async ct =>
        {
            var agentSession = await LoadSessionAsync(agent, session).ConfigureAwait(false);
            var response = await agent.RunAsync(messages, agentSession, runOptions, ct).ConfigureAwait(false);
            var serialized = await agent.SerializeSessionAsync(agentSession, cancellationToken: ct).ConfigureAwait(false);
            var chat = new ChatResponse(response.Messages);
            chat = DurableChatClient.Normalize(chat, 1);
            return new AgentRunRecord
            {
                Messages = JsonSerializer.SerializeToElement(chat.Messages, AgentJson.Messages),
                Usage = response.Usage is { } usage ? JsonSerializer.SerializeToElement(usage, AgentJson.Usage) : null,
                ResponseId = response.ResponseId,
                AgentId = response.AgentId,
                Session = serialized.Clone(),
            };
        }, AgentFrameworkJsonContext.Default.AgentRunRecord, new RunOptions { RetryPolicy = options.RunRetryPolicy });

        var recorded = new MafAgentResponse(record.Messages.Deserialize(AgentJson.Messages) ?? [])
        {
            ResponseId = record.ResponseId,
            AgentId = record.AgentId,
            Usage = record.Usage is { } u ? u.Deserialize(AgentJson.Usage) : null,
        };
        return new DurableAIAgentRun(recorded, record.Session);
    }

    private static async Task<AgentSession> LoadSessionAsync(AIAgent agent, JsonElement? session)
        => session is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } s
            ? await agent.DeserializeSessionAsync(s).ConfigureAwait(false)
            : await agent.CreateSessionAsync().ConfigureAwait(false);

    private static AgentRunOptions? DurableRunOptions(AgentRunOptions? runOptions, IContext context, DurableAIAgentOptions options)
    {
        // Tools passed for this run only are journaled too.
        if (runOptions is ChatClientAgentRunOptions { ChatOptions.Tools.Count: > 0 } chatRun)
        {
            var clone = (ChatClientAgentRunOptions)chatRun.Clone();
            clone.ChatOptions = DurableAIAgent.WithDurableTools(chatRun.ChatOptions, context, options);
            return clone;
        }

        return runOptions;
    }

    private static string SessionKey(AIAgent agent, DurableAIAgentOptions options)
    {
        if (options.SessionStateKey is { Length: > 0 } key)
        {
            return key;
        }

        if (string.IsNullOrEmpty(agent.Name))
        {
            throw new ArgumentException("The agent has no name, so its session has no stable state key: set DurableAIAgentOptions.SessionStateKey.", nameof(agent));
        }

        return SessionStatePrefix + agent.Name;
    }

    private static void CheckSize(JsonElement session, string what)
    {
        var size = JsonSerializer.SerializeToUtf8Bytes(session, BuiltInJsonContext.Default.JsonElement).Length;
        if (size > MaxSessionBytes)
        {
            throw new TerminalException($"{what} is {size} bytes, more than the limit of {MaxSessionBytes}.", 413);
        }
    }
}
