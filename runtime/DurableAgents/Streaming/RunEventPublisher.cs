using System.Text.Json;
using DurableAgents.Agents;
using DurableAgents.Definitions;
using Microsoft.Extensions.AI;

namespace DurableAgents.Streaming;

/// <summary>
/// What the agent loop calls to publish its run's events. Step events are journaled one-way sends to the run's log
/// (<see cref="RunEventStore"/> <c>append</c>): a replay finds them in the journal and does not send them again, so each
/// reaches the log exactly once. Their payloads are built only from journaled values, so a replay sends the same bytes.
/// Live text deltas go out of band (<see cref="BeginStep"/>). Null (nothing published) unless the service registered
/// <c>AddDurableAgentStreams</c> and the agent did not turn it off (<see cref="DurableAgentOptions.PublishRunEvents"/>).
/// </summary>
internal sealed class RunEventPublisher
{
    /// <summary>The longest text put into one journaled event; longer texts are cut (the log's own limit is larger).</summary>
    internal const int MaxEventText = 256 * 1024;

    private readonly IContext _context;
    private readonly RunStreamRuntime _runtime;

    private RunEventPublisher(IContext context, RunStreamRuntime runtime)
    {
        _context = context;
        _runtime = runtime;
    }

    /// <summary>The publisher of <paramref name="context"/>'s run, or null when events are not published.</summary>
    public static RunEventPublisher? For(IContext context, DurableAgentOptions options)
    {
        if (options.PublishRunEvents == false || context is not IHandlerContext { Services: { } services }
            || services.GetService(typeof(RunStreamRuntime)) is not RunStreamRuntime runtime)
        {
            return null;
        }

        return new RunEventPublisher(context, runtime);
    }

    public void RunStarted(string agent, string message)
        => Publish(new RunEvent { Type = RunEventTypes.RunStarted, Agent = agent, Text = Cut(message) });

    /// <summary>A model turn is journaled: its text completes the step's deltas; its tool calls are announced.</summary>
    public void ModelTurn(int turn, ChatResponse response)
    {
        var step = "llm:" + turn.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var events = new List<RunEvent> { new() { Type = RunEventTypes.MessageCompleted, Step = step, Text = Cut(response.Text) } };
        foreach (var call in response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>())
        {
            events.Add(new RunEvent
            {
                Type = RunEventTypes.ToolCallStarted,
                Step = "tool:" + call.CallId,
                ToolName = call.Name,
                CallId = call.CallId,
                Arguments = call.Arguments is null
                    ? null
                    : JsonSerializer.SerializeToElement(call.Arguments, AgentJson.ChatOptions.GetTypeInfo(typeof(IDictionary<string, object?>))),
            });
        }

        Publish([.. events]);
    }

    /// <summary>The journaled results of one turn's tool calls.</summary>
    public void ToolResults(IReadOnlyList<FunctionCallContent> calls, IReadOnlyList<AIContent> results)
    {
        var events = new List<RunEvent>(calls.Count);
        for (var i = 0; i < calls.Count && i < results.Count; i++)
        {
            var result = results[i] is FunctionResultContent r ? r.Result : null;
            events.Add(new RunEvent
            {
                Type = RunEventTypes.ToolCallFinished,
                Step = "tool:" + calls[i].CallId,
                ToolName = calls[i].Name,
                CallId = calls[i].CallId,
                Result = Cut(result switch
                {
                    null => "",
                    string s => s,
                    JsonElement { ValueKind: JsonValueKind.String } s => s.GetString(),
                    JsonElement e => e.GetRawText(),
                    _ => result.ToString(),
                }),
            });
        }

        Publish([.. events]);
    }

    public void ApprovalsRequested(IReadOnlyList<PendingApproval> pending)
        => Publish([.. pending.Select(static p => new RunEvent
        {
            Type = RunEventTypes.ApprovalRequested,
            Step = "approval:" + p.CallId,
            ApprovalId = p.Id,
            ToolName = p.ToolName,
            CallId = p.CallId,
            Arguments = p.Arguments.ValueKind == JsonValueKind.Undefined ? null : p.Arguments,
            ExpiresAt = p.ExpiresAt,
        })]);

    public void ApprovalsDecided(IReadOnlyList<PendingApproval> pending, IReadOnlyList<ApprovalDecision?> decisions)
    {
        var events = new RunEvent[pending.Count];
        for (var k = 0; k < pending.Count; k++)
        {
            var d = k < decisions.Count ? decisions[k] : null;
            events[k] = new RunEvent
            {
                Type = RunEventTypes.ApprovalDecided,
                Step = "approval:" + pending[k].CallId,
                ApprovalId = pending[k].Id,
                ToolName = pending[k].ToolName,
                CallId = pending[k].CallId,
                Approved = d?.Approved ?? false,
                Reason = Cut(d is null ? "timed out" : d.Reason),
            };
        }

        Publish(events);
    }

    public void RunFinished(AgentResponse response)
        => Publish(new RunEvent { Type = RunEventTypes.RunFinished, Text = Cut(response.Text) });

    public void RunFailed(TerminalException error)
        => Publish(new RunEvent { Type = RunEventTypes.RunFailed, Error = Cut(error.Message), Code = error.Code });

    /// <summary>A writer for the live deltas of model step <paramref name="step"/> in the running attempt (null when live deltas are off).</summary>
    public StepDeltaWriter? BeginStep(string step)
        => _runtime.Options.PublishLiveDeltas ? new StepDeltaWriter(_runtime, _context.InvocationId, step, RunAttempt.Key(_context)) : null;

    private void Publish(params RunEvent[] events)
    {
        if (events.Length == 0)
        {
            return;
        }

        _context.Send(RunEventStore.Target(RunEventStore.Append, _context.InvocationId), events.ToList(), RunEventJsonContext.Default.ListRunEvent);
    }

    private static string? Cut(string? text) => text is null || text.Length <= MaxEventText ? text : text[..MaxEventText] + "…";
}
