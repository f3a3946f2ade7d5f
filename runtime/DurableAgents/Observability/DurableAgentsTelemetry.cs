using System.Diagnostics;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol.Messages;

namespace DurableAgents.Observability;

/// <summary>
/// Tracing of durable invocations: an <see cref="ActivitySource"/> named <see cref="ActivitySourceName"/> with one span
/// per invocation attempt (<c>invoke {service}/{handler}</c>, a child of the HTTP request span) and one per durable step that actually executes
/// (<c>run {name}</c>). Steps whose result is replayed from the journal emit no span. Subscribe with OpenTelemetry
/// (<c>.AddSource("DurableAgents")</c>) or an <see cref="ActivityListener"/>.
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

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(DurableAgentsTelemetry).Assembly.GetName().Version?.ToString(3));

    internal static Activity? StartInvocation(ServiceDefinition service, HandlerDefinition handler)
    {
        var activity = Source.StartActivity($"invoke {service.Name}/{handler.Name}", ActivityKind.Internal); // a child of the ASP.NET Core request span when that is traced
        activity?.SetTag(ServiceTag, service.Name);
        activity?.SetTag(HandlerTag, handler.Name);
        return activity;
    }

    internal static void InvocationStarted(Activity? activity, InvocationStateMachine machine)
    {
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

    internal static void InvocationEnded(Activity? activity, InvocationOutcome outcome, string? error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome switch
        {
            InvocationOutcome.Ended => "ended",
            InvocationOutcome.Suspended => "suspended",
            _ => "failed",
        });
        if (outcome == InvocationOutcome.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    internal static Activity? StartStep(string invocationId, string name)
    {
        var activity = Source.StartActivity($"run {name}", ActivityKind.Internal);
        activity?.SetTag(StepNameTag, name);
        activity?.SetTag(InvocationIdTag, invocationId);
        return activity;
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
