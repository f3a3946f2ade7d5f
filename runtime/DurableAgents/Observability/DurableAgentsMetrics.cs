using System.Diagnostics.Metrics;

namespace DurableAgents.Observability;

/// <summary>
/// The <see cref="Meter"/> named <see cref="MeterName"/> and its instruments (docs/observability.md). Every count is of
/// work this process actually did: a step, model call or tool call whose result is replayed from the journal is not
/// executed and not counted again (replayed steps have their own counter). Subscribe with OpenTelemetry
/// (<c>.AddMeter("DurableAgents")</c>) or a <see cref="MeterListener"/>. Model-call instruments follow the OpenTelemetry
/// GenAI semantic conventions (<c>gen_ai.client.token.usage</c>, <c>gen_ai.client.operation.duration</c>).
/// </summary>
public static class DurableAgentsMetrics
{
    /// <summary>The name of the <see cref="Meter"/> (the same as the ActivitySource).</summary>
    public const string MeterName = "DurableAgents";

    /// <summary>Counter: invocation attempts served, by <c>restate.service</c>, <c>restate.handler</c>, <c>restate.outcome</c>.</summary>
    public const string Invocations = "durableagents.invocations";

    /// <summary>Histogram (s): the duration of an invocation attempt, same attributes as <see cref="Invocations"/>.</summary>
    public const string InvocationDuration = "durableagents.invocation.duration";

    /// <summary>Counter: durable steps (<c>RunAsync</c>) whose closure executed, by <see cref="DurableAgentsTelemetry.StepKindTag"/>.</summary>
    public const string Steps = "durableagents.steps";

    /// <summary>Counter: durable steps whose result was replayed from the journal (not executed), by step kind.</summary>
    public const string ReplayedSteps = "durableagents.steps.replayed";

    /// <summary>Counter: model calls made (journaled model turns replayed from the journal are not calls).</summary>
    public const string ModelCalls = "durableagents.model.calls";

    /// <summary>Histogram ({token}): tokens per model call, by <c>gen_ai.token.type</c> (<c>input</c>/<c>output</c>).</summary>
    public const string TokenUsage = "gen_ai.client.token.usage";

    /// <summary>Histogram (s): the duration of a model call.</summary>
    public const string ModelCallDuration = "gen_ai.client.operation.duration";

    /// <summary>Counter: tool calls executed (journaled steps of <c>[DurableTool]</c>s and wrapped functions).</summary>
    public const string ToolCalls = "durableagents.tool.calls";

    /// <summary>UpDownCounter: tool calls this process is waiting on a human approval for right now.</summary>
    public const string ApprovalsWaiting = "durableagents.approvals.waiting";

    internal static readonly Meter Meter = new(MeterName, typeof(DurableAgentsMetrics).Assembly.GetName().Version?.ToString(3));

    internal static readonly Counter<long> InvocationCounter =
        Meter.CreateCounter<long>(Invocations, "{attempt}", "Invocation attempts served by this process, by outcome (ended, suspended, failed).");

    internal static readonly Histogram<double> InvocationDurationHistogram =
        Meter.CreateHistogram<double>(InvocationDuration, "s", "Duration of an invocation attempt, from the start message to its end, suspension or failure.");

    internal static readonly Counter<long> StepCounter =
        Meter.CreateCounter<long>(Steps, "{step}", "Durable steps whose closure executed in this process.");

    internal static readonly Counter<long> ReplayedStepCounter =
        Meter.CreateCounter<long>(ReplayedSteps, "{step}", "Durable steps whose recorded result was replayed from the journal instead of executing.");

    internal static readonly Counter<long> ModelCallCounter =
        Meter.CreateCounter<long>(ModelCalls, "{call}", "Model calls made by durable chat clients (replayed model turns are not counted).");

    internal static readonly Histogram<long> TokenUsageHistogram =
        Meter.CreateHistogram<long>(TokenUsage, "{token}", "Tokens used per model call, by gen_ai.token.type (replayed model turns are not counted).");

    internal static readonly Histogram<double> ModelCallDurationHistogram =
        Meter.CreateHistogram<double>(ModelCallDuration, "s", "Duration of a model call made by a durable chat client.");

    internal static readonly Counter<long> ToolCallCounter =
        Meter.CreateCounter<long>(ToolCalls, "{call}", "Tool calls executed as journaled steps (replayed tool results are not counted).");

    internal static readonly UpDownCounter<long> ApprovalsWaitingCounter =
        Meter.CreateUpDownCounter<long>(ApprovalsWaiting, "{approval}", "Tool calls this process is waiting on a human approval for.");
}
