using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace DurableAgents.Observability;

/// <summary>
/// One model call that really goes to the provider (created inside the journaled step's closure, so never for a replayed
/// turn): the GenAI <c>chat {model}</c> span and, when it ends, the model-call, token and duration instruments.
/// </summary>
internal readonly struct ModelCallTelemetry : IDisposable
{
    private readonly string? _requestModel;
    private readonly string? _provider;
    private readonly long _startedAt;
    private readonly AgentRunTelemetry? _agent;

    internal ModelCallTelemetry(string stepName, string? requestModel, string? provider, AgentRunTelemetry? agent = null)
    {
        _agent = agent;
        _requestModel = requestModel;
        _provider = provider;
        _startedAt = Stopwatch.GetTimestamp();
        Activity = DurableAgentsTelemetry.Source.StartActivity(
            string.IsNullOrEmpty(requestModel) ? DurableAgentsTelemetry.ChatOperation : DurableAgentsTelemetry.ChatOperation + " " + requestModel, ActivityKind.Client);
        if (Activity is { } a)
        {
            a.SetTag(DurableAgentsTelemetry.OperationNameTag, DurableAgentsTelemetry.ChatOperation);
            a.SetTag(DurableAgentsTelemetry.StepNameTag, stepName);
            if (!string.IsNullOrEmpty(requestModel))
            {
                a.SetTag(DurableAgentsTelemetry.RequestModelTag, requestModel);
            }

            if (!string.IsNullOrEmpty(provider))
            {
                a.SetTag(DurableAgentsTelemetry.ProviderNameTag, provider);
            }
        }
    }

    /// <summary>The span, or null when nobody listens.</summary>
    public Activity? Activity { get; }

    /// <summary>
    /// The call answered: tag the span with the response and usage, count the call and its tokens, and add the usage to
    /// the agent run of this attempt.
    /// </summary>
    public void Succeeded(ChatResponse response)
    {
        var usage = response.Usage;
        _agent?.ModelCallSucceeded(usage);
        if (Activity is { } a)
        {
            if (response.ModelId is { Length: > 0 } model)
            {
                a.SetTag(DurableAgentsTelemetry.ResponseModelTag, model);
            }

            if (response.ResponseId is { Length: > 0 } id)
            {
                a.SetTag(DurableAgentsTelemetry.ResponseIdTag, id);
            }

            if (response.FinishReason is { } finish)
            {
                a.SetTag(DurableAgentsTelemetry.FinishReasonsTag, new[] { finish.Value });
            }

            if (usage?.InputTokenCount is { } input)
            {
                a.SetTag(DurableAgentsTelemetry.InputTokensTag, input);
            }

            if (usage?.OutputTokenCount is { } output)
            {
                a.SetTag(DurableAgentsTelemetry.OutputTokensTag, output);
            }
        }

        var tags = Tags(response.ModelId, null);
        DurableAgentsMetrics.ModelCallCounter.Add(1, tags);
        DurableAgentsMetrics.ModelCallDurationHistogram.Record(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, tags);
        if (DurableAgentsMetrics.TokenUsageHistogram.Enabled)
        {
            if (usage?.InputTokenCount is { } input)
            {
                var t = tags;
                t.Add(DurableAgentsTelemetry.TokenTypeTag, "input");
                DurableAgentsMetrics.TokenUsageHistogram.Record(input, t);
            }

            if (usage?.OutputTokenCount is { } output)
            {
                var t = tags;
                t.Add(DurableAgentsTelemetry.TokenTypeTag, "output");
                DurableAgentsMetrics.TokenUsageHistogram.Record(output, t);
            }
        }
    }

    /// <summary>The call failed (the step retries or fails): an error span, counted with <c>error.type</c>.</summary>
    public void Failed(Exception error)
    {
        var type = error.GetType().FullName ?? error.GetType().Name;
        if (Activity is { } a)
        {
            a.SetTag(DurableAgentsTelemetry.ErrorTypeTag, type);
            a.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        var tags = Tags(null, type);
        DurableAgentsMetrics.ModelCallCounter.Add(1, tags);
        DurableAgentsMetrics.ModelCallDurationHistogram.Record(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, tags);
    }

    public void Dispose() => Activity?.Dispose();

    private TagList Tags(string? responseModel, string? errorType)
    {
        var tags = new TagList { { DurableAgentsTelemetry.OperationNameTag, DurableAgentsTelemetry.ChatOperation } };
        if (!string.IsNullOrEmpty(_requestModel))
        {
            tags.Add(DurableAgentsTelemetry.RequestModelTag, _requestModel);
        }

        if (!string.IsNullOrEmpty(_provider))
        {
            tags.Add(DurableAgentsTelemetry.ProviderNameTag, _provider);
        }

        if (!string.IsNullOrEmpty(responseModel))
        {
            tags.Add(DurableAgentsTelemetry.ResponseModelTag, responseModel);
        }

        if (errorType is not null)
        {
            tags.Add(DurableAgentsTelemetry.ErrorTypeTag, errorType);
        }

        return tags;
    }
}
