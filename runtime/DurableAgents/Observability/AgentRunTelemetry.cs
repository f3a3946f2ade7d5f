using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace DurableAgents.Observability;

/// <summary>
/// One attempt of an agent run: the GenAI <c>invoke_agent {name}</c> span, a child of the attempt's
/// <c>invoke {service}/{handler}</c> span and the parent of the attempt's steps (and so of their <c>chat</c> and
/// <c>execute_tool</c> spans). Created only when the source is listened to. Its <c>gen_ai.usage.*</c> attributes are the
/// tokens of the model calls that completed in this attempt before the span ended: model turns replayed from the journal
/// add nothing, so summing the attribute over every attempt's span never counts a turn twice.
/// </summary>
internal sealed class AgentRunTelemetry : IDisposable
{
    private long _inputTokens;
    private long _outputTokens;
    private int _calls;
    private int _inputReported;
    private int _outputReported;
    private string? _responseModel;

    private AgentRunTelemetry(Activity activity) => Activity = activity;

    /// <summary>The span.</summary>
    public Activity Activity { get; }

    /// <summary>The span of one attempt of the agent run, or null when nobody listens (or the sampler drops it).</summary>
    internal static AgentRunTelemetry? Start(string agentName, string invocationId, string? conversationId, string? requestModel, string? provider)
    {
        if (!DurableAgentsTelemetry.Source.HasListeners())
        {
            return null;
        }

        // The attributes that matter for sampling decisions are given at creation (GenAI conventions).
        var tags = new List<KeyValuePair<string, object?>>(6)
        {
            new(DurableAgentsTelemetry.OperationNameTag, DurableAgentsTelemetry.InvokeAgentOperation),
            new(DurableAgentsTelemetry.AgentNameTag, agentName),
            new(DurableAgentsTelemetry.InvocationIdTag, invocationId),
        };
        if (!string.IsNullOrEmpty(provider))
        {
            tags.Add(new(DurableAgentsTelemetry.ProviderNameTag, provider));
        }

        if (!string.IsNullOrEmpty(requestModel))
        {
            tags.Add(new(DurableAgentsTelemetry.RequestModelTag, requestModel));
        }

        if (!string.IsNullOrEmpty(conversationId))
        {
            tags.Add(new(DurableAgentsTelemetry.ConversationIdTag, conversationId));
        }

        var activity = DurableAgentsTelemetry.Source.StartActivity(
            DurableAgentsTelemetry.InvokeAgentOperation + " " + agentName, ActivityKind.Internal, parentContext: default, tags: tags);
        return activity is null ? null : new AgentRunTelemetry(activity);
    }

    /// <summary>A model call of this attempt answered (called inside its step's closure, so never for a replayed turn).</summary>
    internal void ModelCallSucceeded(UsageDetails? usage)
    {
        Interlocked.Increment(ref _calls);
        if (usage?.InputTokenCount is { } input)
        {
            Interlocked.Add(ref _inputTokens, input);
            Volatile.Write(ref _inputReported, 1);
        }

        if (usage?.OutputTokenCount is { } output)
        {
            Interlocked.Add(ref _outputTokens, output);
            Volatile.Write(ref _outputReported, 1);
        }
    }

    /// <summary>The run returned; <paramref name="responseModel"/> is the model of its last (journaled) turn, replayed or not.</summary>
    internal void Succeeded(string? responseModel) => _responseModel = responseModel;

    /// <summary>
    /// The run threw. An attempt that ended under it (suspended, aborted, or a journal mismatch) is not an agent error:
    /// the invocation span says how the attempt ended. Anything else is (status Error, <c>error.type</c>).
    /// </summary>
    internal void Failed(Exception error)
    {
        if (error is InvocationClosedException)
        {
            return;
        }

        Activity.SetStatus(ActivityStatusCode.Error, error.Message);
        Activity.SetTag(DurableAgentsTelemetry.ErrorTypeTag, error is TerminalException terminal
            ? terminal.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : error.GetType().FullName ?? error.GetType().Name);
    }

    /// <summary>Tags the usage of this attempt's model calls (only when one was made) and ends the span.</summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _calls) > 0)
        {
            if (Volatile.Read(ref _inputReported) != 0)
            {
                Activity.SetTag(DurableAgentsTelemetry.InputTokensTag, Interlocked.Read(ref _inputTokens));
            }

            if (Volatile.Read(ref _outputReported) != 0)
            {
                Activity.SetTag(DurableAgentsTelemetry.OutputTokensTag, Interlocked.Read(ref _outputTokens));
            }
        }

        if (_responseModel is { Length: > 0 } model)
        {
            Activity.SetTag(DurableAgentsTelemetry.ResponseModelTag, model);
        }

        Activity.Dispose();
    }
}
