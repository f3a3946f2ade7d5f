using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>
/// An <see cref="IChatClient"/> whose every response is a journaled step of a Restate invocation. The whole
/// <see cref="ChatResponse"/> (messages, tool calls, usage, finish reason, model id) is stored as JSON with
/// Microsoft.Extensions.AI's source-generated metadata; after a crash or on replay the recorded response is returned
/// (deserialized from the same bytes, so the first execution and every replay see an identical object) and the model is
/// not called again. Streaming calls hand the live updates to the caller while the aggregated response is journaled; on
/// replay the recorded response is returned as updates.
/// </summary>
/// <remarks>
/// Calls must happen in a deterministic order (the n-th call of the client is the n-th step). The caller's
/// <see cref="CancellationToken"/> is not passed to the provider: a started step belongs to the invocation, which
/// cancels it through <see cref="IContext.CancellationToken"/>.
/// </remarks>
public sealed class DurableChatClient : DelegatingChatClient
{
    private readonly IContext _context;
    private readonly DurableChatClientOptions _options;
    private int _calls;
    private ChatClientMetadata? _metadata;

    /// <summary>Wraps <paramref name="innerClient"/> so its responses are journaled in <paramref name="context"/>.</summary>
    public DurableChatClient(IChatClient innerClient, IContext context, DurableChatClientOptions? options = null)
        : base(innerClient)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _options = options ?? new DurableChatClientOptions();
    }

    /// <summary>The number of model calls made through this client (journaled or replayed).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The journaled response of the last completed call (for streaming callers: the durable aggregate).</summary>
    public ChatResponse? LastResponse { get; private set; }

    /// <summary>The agent run (this attempt's <c>invoke_agent</c> span) whose usage this client's executed calls add to.</summary>
    internal AgentRunTelemetry? AgentRun { get; init; }

    private RunOptions RunOptions => new() { RetryPolicy = _options.RetryPolicy };

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var snapshot = messages.ToList();
        var n = Interlocked.Increment(ref _calls);
        var stepName = StepName(n);
        var response = await _context.RunAsync(stepName, async ct =>
        {
            // Runs only when the turn is not journaled yet: a replayed turn is neither traced nor counted again.
            using var telemetry = StartTelemetry(stepName, options);
            try
            {
                var response = Normalize(await base.GetResponseAsync(snapshot, options, ct).ConfigureAwait(false), n);
                telemetry.Succeeded(response);
                return response;
            }
            catch (Exception e)
            {
                telemetry.Failed(e);
                if (_options.ClassifyProviderErrors && ProviderErrors.Classify(e) is var mapped && !ReferenceEquals(mapped, e))
                {
                    throw mapped;
                }

                throw;
            }
        }, AgentJson.ChatResponse, RunOptions);
        LastResponse = response;
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var snapshot = messages.ToList();
        var n = Interlocked.Increment(ref _calls);
        var live = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var executed = false;
        var stepName = StepName(n);
        var future = _context.RunAsync(stepName, async ct =>
        {
            // Runs synchronously up to the first await: when the step is already journaled it never starts.
            executed = true;
            using var telemetry = StartTelemetry(stepName, options);
            var updates = new List<ChatResponseUpdate>();
            var deltas = _options.LiveDeltas?.BeginStep(stepName);
            try
            {
                await foreach (var update in base.GetStreamingResponseAsync(snapshot, options, ct).ConfigureAwait(false))
                {
                    updates.Add(update);
                    live.Writer.TryWrite(update);
                    deltas?.Add(update.Text);
                }

                live.Writer.TryComplete();
                if (deltas is not null)
                {
                    // The last live deltas reach the log before the step's journaled text does.
                    await deltas.CompleteAsync().ConfigureAwait(false);
                }
                var response = Normalize(updates.ToChatResponse(), n);
                telemetry.Succeeded(response);
                return response;
            }
            catch (Exception e)
            {
                telemetry.Failed(e);
                live.Writer.TryComplete(e);
                if (_options.ClassifyProviderErrors && ProviderErrors.Classify(e) is var mapped && !ReferenceEquals(mapped, e))
                {
                    throw mapped;
                }

                throw;
            }
        }, AgentJson.ChatResponse, RunOptions);

        if (executed)
        {
            await foreach (var update in ReadLiveAsync(live.Reader).ConfigureAwait(false))
            {
                yield return update;
            }

            // The journaled response is the durable outcome; the live updates were a preview of it.
            LastResponse = await future;
            yield break;
        }

        var recorded = await future;
        LastResponse = recorded;
        foreach (var update in recorded.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> ReadLiveAsync(ChannelReader<ChatResponseUpdate> reader)
    {
        while (true)
        {
            bool more;
            try
            {
                more = await reader.WaitToReadAsync().ConfigureAwait(false);
            }
            catch
            {
                // The step failed: its outcome (a retry or a terminal failure) is reported by awaiting the step.
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            while (reader.TryRead(out var update))
            {
                yield return update;
            }
        }
    }

    private ModelCallTelemetry StartTelemetry(string stepName, ChatOptions? options)
    {
        _metadata ??= InnerClient.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata ?? new ChatClientMetadata();
        return DurableAgentsTelemetry.StartModelCall(stepName, options?.ModelId ?? _metadata.DefaultModelId, _metadata.ProviderName, AgentRun);
    }

    private string StepName(int n) => _options.StepPrefix + ":" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Makes a response safe to journal: every function call gets a call id (some OpenAI-compatible servers omit it), and
    /// additional properties keep only JSON-native values (provider objects would not serialize without reflection).
    /// </summary>
    internal static ChatResponse Normalize(ChatResponse response, int turn)
    {
        response.RawRepresentation = null;
        response.AdditionalProperties = Clean(response.AdditionalProperties);
        var index = 0;
        foreach (var message in response.Messages)
        {
            message.RawRepresentation = null;
            message.AdditionalProperties = Clean(message.AdditionalProperties);
            for (var i = 0; i < message.Contents.Count; i++)
            {
                var content = message.Contents[i];
                content.RawRepresentation = null;
                content.AdditionalProperties = Clean(content.AdditionalProperties);
                if (content is FunctionCallContent call)
                {
                    index++;
                    if (string.IsNullOrEmpty(call.CallId))
                    {
                        // CallId is fixed at construction; rebuild the call with a stable id.
                        message.Contents[i] = new FunctionCallContent($"call_{turn}_{index}", call.Name, call.Arguments);
                    }
                }
            }
        }

        return response;
    }

    private static AdditionalPropertiesDictionary? Clean(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return properties is { Count: 0 } ? null : properties;
        }

        AdditionalPropertiesDictionary? result = null;
        foreach (var (key, value) in properties)
        {
            if (value is null or string or bool or int or long or double or float or decimal or JsonElement)
            {
                (result ??= new AdditionalPropertiesDictionary())[key] = value;
            }
        }

        return result;
    }
}
