using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DurableAgents.Clients;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using MafAgentResponse = Microsoft.Agents.AI.AgentResponse;

namespace DurableAgents.AgentFramework;

/// <summary>
/// A <c>[DurableAgent]</c> seen from the caller's side as a Microsoft Agent Framework <see cref="AIAgent"/>: each run
/// calls the agent's <c>run</c> handler through the Restate ingress (<c>{service}/run</c>, or
/// <c>{service}/{key}/run</c> for a session agent, the key kept in the <see cref="DurableAgentProxySession"/>), so it
/// composes with Agent Framework workflows and orchestrating agents while the run itself stays durable on Restate.
/// </summary>
/// <remarks>
/// <para>Input: the durable agent takes one message. A single message (or only user messages) is passed as its text;
/// a conversation with other roles (e.g. the history a sequential workflow hands on) is passed as a transcript, one
/// <c>[author]: text</c> block per message. A session agent also keeps its own history, so pass only the new messages.</para>
/// <para>Every run has an idempotency key (<see cref="DurableAgentProxyRunOptions.IdempotencyKey"/>, else a fresh one),
/// used for the proxy's own retries too: a run is executed once however often it is retried.</para>
/// <para>Streaming: <see cref="AIAgent.RunStreamingAsync(IEnumerable{ChatMessage}, AgentSession?, AgentRunOptions?, CancellationToken)"/>
/// waits for the run and yields the final response as updates (no live tokens).</para>
/// </remarks>
public sealed class DurableAgentProxy : AIAgent
{
    /// <summary>The largest input accepted for one run (characters of the message sent to the agent).</summary>
    public const int MaxMessageLength = 1024 * 1024;

    private readonly IngressClient _client;
    private readonly DurableAgentProxyOptions _options;

    /// <summary>A proxy of the durable agent <paramref name="serviceName"/> through <paramref name="client"/>.</summary>
    /// <param name="client">The Restate ingress client.</param>
    /// <param name="serviceName">The agent's Restate service name.</param>
    /// <param name="isSessionAgent">Whether the agent is a session agent (a Virtual Object keyed by session).</param>
    /// <param name="options">Description and retry settings.</param>
    public DurableAgentProxy(IngressClient client, string serviceName, bool isSessionAgent, DurableAgentProxyOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        _options = options ?? new DurableAgentProxyOptions();
        if (_options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        }

        ServiceName = serviceName;
        IsSessionAgent = isSessionAgent;
    }

    /// <summary>The agent's Restate service name.</summary>
    public string ServiceName { get; }

    /// <summary>Whether the agent is a session agent: its sessions are Virtual Object keys.</summary>
    public bool IsSessionAgent { get; }

    /// <inheritdoc />
    public override string? Name => ServiceName;

    /// <inheritdoc />
    public override string? Description => _options.Description;

    /// <inheritdoc />
    protected override string? IdCore => "restate:" + ServiceName;

    /// <summary>A session on an existing key of the session agent (e.g. one a previous run created).</summary>
    public DurableAgentProxySession CreateSession(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsSessionAgent)
        {
            throw new InvalidOperationException($"Agent '{ServiceName}' is not a session agent: its sessions have no key.");
        }

        return new DurableAgentProxySession(key);
    }

    /// <inheritdoc />
    protected override ValueTask<AgentSession> CreateSessionCoreAsync(CancellationToken cancellationToken = default)
        => ValueTask.FromResult<AgentSession>(new DurableAgentProxySession(IsSessionAgent ? Guid.NewGuid().ToString("N") : null));

    /// <inheritdoc />
    protected override ValueTask<JsonElement> SerializeSessionCoreAsync(AgentSession session, JsonSerializerOptions? jsonSerializerOptions = null, CancellationToken cancellationToken = default)
    {
        var proxySession = AsProxySession(session);
        return ValueTask.FromResult(JsonSerializer.SerializeToElement(new DurableAgentProxySessionState { Key = proxySession.Key }, AgentFrameworkJsonContext.Default.DurableAgentProxySessionState));
    }

    /// <inheritdoc />
    protected override ValueTask<AgentSession> DeserializeSessionCoreAsync(JsonElement serializedState, JsonSerializerOptions? jsonSerializerOptions = null, CancellationToken cancellationToken = default)
    {
        if (serializedState.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("A serialized proxy session is a JSON object.", nameof(serializedState));
        }

        DurableAgentProxySessionState? state;
        try
        {
            state = serializedState.Deserialize(AgentFrameworkJsonContext.Default.DurableAgentProxySessionState);
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The serialized proxy session is malformed: " + e.Message, nameof(serializedState), e);
        }

        var key = state?.Key;
        if (IsSessionAgent && key is null)
        {
            throw new ArgumentException($"The serialized session of session agent '{ServiceName}' has no key.", nameof(serializedState));
        }

        return ValueTask.FromResult<AgentSession>(new DurableAgentProxySession(IsSessionAgent ? key : null));
    }

    /// <inheritdoc />
    protected override async Task<MafAgentResponse> RunCoreAsync(IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var proxySession = session is null ? (DurableAgentProxySession)await CreateSessionCoreAsync(cancellationToken).ConfigureAwait(false) : AsProxySession(session);
        var message = MessageOf(messages.ToList());
        var target = IsSessionAgent ? CallTarget.ForObject(ServiceName, proxySession.Key!, "run") : CallTarget.ForService(ServiceName, "run");
        var idempotencyKey = (options as DurableAgentProxyRunOptions)?.IdempotencyKey ?? Guid.NewGuid().ToString("N");
        var call = new IngressCallOptions { IdempotencyKey = idempotencyKey };
        var request = AgentRequest.FromMessage(message);
        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema } json)
        {
            request = request with { ResponseSchema = schema, ResponseSchemaName = json.SchemaName };
        }

        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (response, invocationId) = await _client.CallWithIdAsync(target, request, AgentJsonContext.Default.AgentRequest, AgentJsonContext.Default.AgentResponse, call, cancellationToken).ConfigureAwait(false);
                return ToAgentResponse(response, invocationId);
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay += delay;
            }
        }
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<AgentResponseUpdate> RunCoreStreamingAsync(IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await RunCoreAsync(messages, session, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToAgentResponseUpdates())
        {
            yield return update;
        }
    }

    private MafAgentResponse ToAgentResponse(DurableAgents.AgentResponse response, string? invocationId)
    {
        var reply = new ChatMessage(ChatRole.Assistant, response.Text) { AuthorName = ServiceName, MessageId = invocationId };
        var result = new MafAgentResponse(reply)
        {
            AgentId = Id,
            ResponseId = invocationId,
            FinishReason = ChatFinishReason.Stop,
        };
        if (response.InputTokens is not null || response.OutputTokens is not null)
        {
            result.Usage = new UsageDetails
            {
                InputTokenCount = response.InputTokens,
                OutputTokenCount = response.OutputTokens,
                TotalTokenCount = (response.InputTokens ?? 0) + (response.OutputTokens ?? 0),
            };
        }

        if (response.ModelId is not null || response.Output is not null)
        {
            result.AdditionalProperties = new AdditionalPropertiesDictionary();
            if (response.ModelId is { } model)
            {
                result.AdditionalProperties["modelId"] = model;
            }

            if (response.Output is { } output)
            {
                result.AdditionalProperties["output"] = output;
            }

            result.AdditionalProperties["turns"] = response.Turns;
            result.AdditionalProperties["toolCalls"] = response.ToolCalls;
        }

        return result;
    }

    private DurableAgentProxySession AsProxySession(AgentSession session)
    {
        if (session is not DurableAgentProxySession proxySession)
        {
            throw new ArgumentException($"The session of durable agent '{ServiceName}' must come from its proxy (CreateSessionAsync or DeserializeSessionAsync), not a {session.GetType().Name}.", nameof(session));
        }

        if (IsSessionAgent != proxySession.Key is not null)
        {
            throw new ArgumentException(IsSessionAgent
                ? $"Session agent '{ServiceName}' needs a session with a key."
                : $"Agent '{ServiceName}' is stateless: its session has no key.", nameof(session));
        }

        return proxySession;
    }

    internal static string MessageOf(IReadOnlyList<ChatMessage> messages)
    {
        var texts = messages.Where(static m => !string.IsNullOrWhiteSpace(m.Text)).ToList();
        if (texts.Count == 0)
        {
            throw new ArgumentException("The run has no message text for the durable agent.", nameof(messages));
        }

        string message;
        if (texts.All(static m => m.Role == ChatRole.User))
        {
            message = string.Join("\n\n", texts.Select(static m => m.Text));
        }
        else
        {
            var sb = new StringBuilder();
            foreach (var m in texts)
            {
                if (sb.Length > 0)
                {
                    sb.Append("\n\n");
                }

                sb.Append('[').Append(m.AuthorName ?? m.Role.Value).Append("]: ").Append(m.Text);
            }

            message = sb.ToString();
        }

        if (message.Length > MaxMessageLength)
        {
            throw new ArgumentException($"The run's input is {message.Length} characters, more than the limit of {MaxMessageLength}.", nameof(messages));
        }

        return message;
    }

    private static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException => true,
        RestateIngressException { StatusCode: >= 500 or 429 } r => r.Source != "invocation",
        _ => false,
    };
}
