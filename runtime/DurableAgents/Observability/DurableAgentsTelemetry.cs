using System.Diagnostics;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents.Observability;

/// <summary>
/// Tracing of durable invocations: an <see cref="ActivitySource"/> named <see cref="ActivitySourceName"/> with one span
/// per invocation attempt (<c>invoke {service}/{handler}</c>, a child of the HTTP request span), one per agent run in the
/// attempt (<c>invoke_agent {name}</c>), one per durable step (<c>run {name}</c>, with <see cref="ReplayedTag"/> telling
/// a step that executes from one whose recorded result is replayed from the journal), and inside executed steps the
/// OpenTelemetry GenAI spans of model calls (<c>chat {model}</c>) and tool calls (<c>execute_tool {name}</c>). A replayed
/// step runs nothing, so its span has no children and no metric but <see cref="DurableAgentsMetrics.ReplayedSteps"/>
/// counts it. Subscribe with OpenTelemetry (<c>.AddSource("DurableAgents")</c>) or an <see cref="ActivityListener"/>;
/// metrics: <see cref="DurableAgentsMetrics"/>.
/// </summary>
public static class DurableAgentsTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/>.</summary>
    public const string ActivitySourceName = "DurableAgents";

    /// <summary>Tag: the Restate invocation id (<c>inv_…</c>).</summary>
    public const string InvocationIdTag = "restate.invocation.id";

    /// <summary>Tag: the service name.</summary>
    public const string ServiceTag = "restate.service";

    /// <summary>Tag: the handler name.</summary>
    public const string HandlerTag = "restate.handler";

    /// <summary>Tag: the Virtual Object or Workflow key (keyed services only).</summary>
    public const string KeyTag = "restate.key";

    /// <summary>Tag: journal entries replayed at the start of the attempt (Restate's <c>known_entries</c>).</summary>
    public const string KnownEntriesTag = "restate.journal.known_entries";

    /// <summary>Tag: how the attempt ended: <c>ended</c>, <c>suspended</c> or <c>failed</c> (Restate retries failed attempts).</summary>
    public const string OutcomeTag = "restate.outcome";

    /// <summary>Tag: the name of a durable step.</summary>
    public const string StepNameTag = "restate.run.name";

    /// <summary>
    /// Metric attribute: the kind of a durable step, from its name: <c>llm</c> (model turns), <c>compact</c>, <c>tool</c>,
    /// <c>approval</c>, <c>now</c>, or <c>run</c> for any other name (step names carry call ids, so they are not attributes).
    /// </summary>
    public const string StepKindTag = "durableagents.step.kind";

    /// <summary>
    /// Tag of every <c>run {name}</c> span (a boolean): <c>false</c> when the step's closure executed in this attempt,
    /// <c>true</c> when its recorded result was replayed from the journal (nothing ran: no child spans, no model, token or
    /// tool metrics).
    /// </summary>
    public const string ReplayedTag = "restate.replayed";

    /// <summary>
    /// GenAI attribute: the operation, <see cref="ChatOperation"/>, <see cref="ExecuteToolOperation"/> or
    /// <see cref="InvokeAgentOperation"/>.
    /// </summary>
    public const string OperationNameTag = "gen_ai.operation.name";

    /// <summary>GenAI attribute: the provider (<see cref="Microsoft.Extensions.AI.ChatClientMetadata.ProviderName"/>), when known.</summary>
    public const string ProviderNameTag = "gen_ai.provider.name";

    /// <summary>GenAI attribute: the model asked for (<c>ChatOptions.ModelId</c>, else the client's default model).</summary>
    public const string RequestModelTag = "gen_ai.request.model";

    /// <summary>GenAI attribute: the model that answered.</summary>
    public const string ResponseModelTag = "gen_ai.response.model";

    /// <summary>GenAI attribute: the provider's response id.</summary>
    public const string ResponseIdTag = "gen_ai.response.id";

    /// <summary>GenAI attribute: the finish reasons (a string array).</summary>
    public const string FinishReasonsTag = "gen_ai.response.finish_reasons";

    /// <summary>GenAI attribute: input (prompt) tokens of a model call.</summary>
    public const string InputTokensTag = "gen_ai.usage.input_tokens";

    /// <summary>GenAI attribute: output (completion) tokens of a model call.</summary>
    public const string OutputTokensTag = "gen_ai.usage.output_tokens";

    /// <summary>GenAI metric attribute of <see cref="DurableAgentsMetrics.TokenUsage"/>: <c>input</c> or <c>output</c>.</summary>
    public const string TokenTypeTag = "gen_ai.token.type";

    /// <summary>GenAI attribute: the tool name.</summary>
    public const string ToolNameTag = "gen_ai.tool.name";

    /// <summary>GenAI attribute: the model's id of the tool call.</summary>
    public const string ToolCallIdTag = "gen_ai.tool.call.id";

    /// <summary>GenAI attribute: the tool description the model sees.</summary>
    public const string ToolDescriptionTag = "gen_ai.tool.description";

    /// <summary>GenAI attribute: the agent name of an <c>invoke_agent</c> span (the agent's service name).</summary>
    public const string AgentNameTag = "gen_ai.agent.name";

    /// <summary>GenAI attribute: the conversation of an <c>invoke_agent</c> span: the session key of a session agent.</summary>
    public const string ConversationIdTag = "gen_ai.conversation.id";

    /// <summary>GenAI attribute: the tool type (<c>function</c>).</summary>
    public const string ToolTypeTag = "gen_ai.tool.type";

    /// <summary>Attribute: how a tool call ended: <c>result</c>, <c>error</c>, <c>terminal_failure</c> or <c>retryable_failure</c>.</summary>
    public const string ToolOutcomeTag = "durableagents.tool.outcome";

    /// <summary>Attribute (OpenTelemetry general): the error class of a failed operation.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The GenAI operation name of a model call.</summary>
    public const string ChatOperation = "chat";

    /// <summary>The GenAI operation name of a tool call.</summary>
    public const string ExecuteToolOperation = "execute_tool";

    /// <summary>The GenAI operation name of an agent run (one span per attempt).</summary>
    public const string InvokeAgentOperation = "invoke_agent";

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(DurableAgentsTelemetry).Assembly.GetName().Version?.ToString(3));

    internal static InvocationTelemetry StartInvocation(ServiceDefinition service, HandlerDefinition handler)
    {
        var activity = Source.StartActivity($"invoke {service.Name}/{handler.Name}", ActivityKind.Internal); // a child of the ASP.NET Core request span when that is traced
        activity?.SetTag(ServiceTag, service.Name);
        activity?.SetTag(HandlerTag, handler.Name);
        return new InvocationTelemetry(activity, service.Name, handler.Name);
    }

    internal static void InvocationStarted(in InvocationTelemetry telemetry, InvocationStateMachine machine)
    {
        var activity = telemetry.Activity;
        if (activity is null)
        {
            return;
        }

        StartMessage start;
        try
        {
            start = machine.Start;
        }
        catch (InvalidOperationException)
        {
            return; // the attempt failed before a StartMessage arrived
        }

        activity.SetTag(InvocationIdTag, start.DebugId);
        activity.SetTag(KnownEntriesTag, (int)start.KnownEntries);
        if (start.Key.Length > 0)
        {
            activity.SetTag(KeyTag, start.Key);
        }
    }

    internal static void InvocationEnded(in InvocationTelemetry telemetry, InvocationOutcome outcome, string? error)
    {
        var outcomeName = outcome switch
        {
            InvocationOutcome.Ended => "ended",
            InvocationOutcome.Suspended => "suspended",
            _ => "failed",
        };
        if (DurableAgentsMetrics.InvocationCounter.Enabled || DurableAgentsMetrics.InvocationDurationHistogram.Enabled)
        {
            var tags = new TagList
            {
                { ServiceTag, telemetry.Service },
                { HandlerTag, telemetry.Handler },
                { OutcomeTag, outcomeName },
            };
            DurableAgentsMetrics.InvocationCounter.Add(1, tags);
            DurableAgentsMetrics.InvocationDurationHistogram.Record(Stopwatch.GetElapsedTime(telemetry.StartedAt).TotalSeconds, tags);
        }

        var activity = telemetry.Activity;
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcomeName);
        if (outcome == InvocationOutcome.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    /// <summary>A step whose closure executes now (never called for a replayed step): its span, and a count of <see cref="DurableAgentsMetrics.Steps"/>.</summary>
    internal static Activity? StartStep(string invocationId, string name)
    {
        if (DurableAgentsMetrics.StepCounter.Enabled)
        {
            DurableAgentsMetrics.StepCounter.Add(1, new KeyValuePair<string, object?>(StepKindTag, StepKind(name)));
        }

        return StartStepSpan(invocationId, name, replayed: false);
    }

    /// <summary>
    /// Hook for a step whose recorded result is replayed from the journal (its closure does not run): counts
    /// <see cref="DurableAgentsMetrics.ReplayedSteps"/> and, when the source is listened to, emits its <c>run {name}</c>
    /// span with <see cref="ReplayedTag"/> <c>true</c>, started and stopped at once (nothing runs under it), so a trace
    /// shows the whole journal of each attempt. Called by <c>InvocationCore.RunAsync</c> when the journal holds the
    /// step's result.
    /// </summary>
    internal static void StepReplayed(string invocationId, string name)
    {
        if (DurableAgentsMetrics.ReplayedStepCounter.Enabled)
        {
            DurableAgentsMetrics.ReplayedStepCounter.Add(1, new KeyValuePair<string, object?>(StepKindTag, StepKind(name)));
        }

        using var activity = StartStepSpan(invocationId, name, replayed: true); // stopped at once: nothing runs under it
    }

    /// <summary>The <c>run {name}</c> span of a step, or null when nobody listens (then no name is built, no tag allocated).</summary>
    private static Activity? StartStepSpan(string invocationId, string name, bool replayed)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("run " + name, ActivityKind.Internal);
        activity?.SetTag(StepNameTag, name);
        activity?.SetTag(InvocationIdTag, invocationId);
        activity?.SetTag(ReplayedTag, replayed);
        return activity;
    }

    /// <summary>
    /// Hook around the wait for one human approval (dispose it when the wait ends, however it ends): holds
    /// <see cref="DurableAgentsMetrics.ApprovalsWaiting"/> up by one meanwhile (used by <c>ToolApprovals</c> around each decision's wait).
    /// </summary>
    internal static ApprovalWait AwaitingApproval(string toolName) => new(toolName);

    /// <summary>
    /// A model call about to go to the provider (inside the step's closure); its usage is added to
    /// <paramref name="agent"/>, the agent run of this attempt, when there is one.
    /// </summary>
    internal static ModelCallTelemetry StartModelCall(string stepName, string? requestModel, string? provider, AgentRunTelemetry? agent = null)
        => new(stepName, requestModel, provider, agent);

    /// <summary>A tool call about to execute (inside the step's closure).</summary>
    internal static ToolCallTelemetry StartToolCall(string toolName, string callId, string toolType = "function", string? description = null) => new(toolName, callId, toolType, description);

    /// <summary>One attempt of an agent run: its <c>invoke_agent</c> span, or null when nobody listens.</summary>
    internal static AgentRunTelemetry? StartAgentRun(string agentName, string invocationId, string? conversationId, string? requestModel, string? provider)
        => AgentRunTelemetry.Start(agentName, invocationId, conversationId, requestModel, provider);

    /// <summary>The bounded kind of a step name (see <see cref="StepKindTag"/>).</summary>
    internal static string StepKind(string name)
    {
        var colon = name.IndexOf(':');
        var prefix = colon < 0 ? name.AsSpan() : name.AsSpan(0, colon);
        return prefix switch
        {
            "llm" => "llm",
            "compact" => "compact",
            "tool" => "tool",
            "approval" => "approval",
            "mcp" => "mcp",
            "now" => "now",
            _ => "run",
        };
    }

    internal static void StepProposed(Activity? activity, ProposeRunCompletionMessage proposal)
    {
        if (activity is not null && proposal.ResultCase == ProposeRunCompletionMessage.ResultOneofCase.Failure)
        {
            activity.SetTag(OutcomeTag, "terminal_failure");
            activity.SetStatus(ActivityStatusCode.Error, $"[{proposal.Failure.Code}] {proposal.Failure.Message}");
        }
        else
        {
            activity?.SetTag(OutcomeTag, "value");
        }
    }

    internal static void StepFailed(Activity? activity, Exception error)
    {
        if (activity is not null)
        {
            activity.SetTag(OutcomeTag, "retryable_failure");
            activity.SetStatus(ActivityStatusCode.Error, $"{error.GetType().Name}: {error.Message}");
        }
    }
}
