using System.Text.Json;
using DurableAgents.Agents;
using Microsoft.Extensions.AI;

namespace DurableAgents.AgentFramework;

/// <summary>
/// An <see cref="AIFunction"/> whose every execution is one journaled step of a Restate invocation, named
/// <c>tool:{name}:{callId}</c> (the call id of the model's tool call, which is journaled with the model response). After
/// a crash or on replay the recorded result is returned and the body does not run again. A failing body is journaled as
/// an error (a <see cref="TerminalException"/> as a terminal failure) and the model is told (<c>Error: ...</c>), unless a
/// tool retry policy retries it first.
/// </summary>
/// <remarks>
/// The call id comes from <see cref="FunctionInvokingChatClient.CurrentContext"/>; called outside a function-invoking
/// client, the n-th call of this instance is named <c>tool:{name}:#{n}</c>, so calls must then happen in a
/// deterministic order. The result is journaled as JSON and returned as a <see cref="JsonElement"/>.
/// </remarks>
public sealed class DurableAIFunction : DelegatingAIFunction
{
    private readonly IContext _context;
    private readonly RetryPolicy? _retryPolicy;
    private int _uncorrelatedCalls;

    /// <summary>Wraps <paramref name="function"/> so each execution is a journaled step of <paramref name="context"/>.</summary>
    public DurableAIFunction([RunsInDurableStep] AIFunction function, IContext context, RetryPolicy? retryPolicy = null)
        : base(function ?? throw new ArgumentNullException(nameof(function)))
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _retryPolicy = retryPolicy;
    }

    /// <summary>The journal step name of the model's call <paramref name="callId"/>.</summary>
    public string StepName(string callId) => "tool:" + Name + ":" + callId;

    /// <inheritdoc />
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var callId = FunctionInvokingChatClient.CurrentContext?.CallContent.CallId;
        if (string.IsNullOrEmpty(callId))
        {
            callId = "#" + Interlocked.Increment(ref _uncorrelatedCalls).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // The same journaled tool step as the agent loop's tools (telemetry, failure mapping, retries).
        var outcome = await StepTool.Run(_context, StepName(callId), Name, Description, callId, "function",
            async ct => new ToolOutcome { Result = DurableTool.ToElement(await InnerFunction.InvokeAsync(arguments, ct).ConfigureAwait(false), JsonSerializerOptions) },
            new ToolRunSettings(_retryPolicy, ToolErrorBehavior.ReturnToModel)).Outcome().ConfigureAwait(false);

        // A text result reaches the model as text (not as a JSON string literal). Agent Framework's function invocation
        // tells the model about failures, so a terminal failure (journaled as such) is told too.
        return outcome switch
        {
            { Result: { ValueKind: JsonValueKind.String } text } => text.GetString(),
            { Result: { } value } => value,
            { TerminalMessage: { } message } => "Error: " + message,
            _ => "Error: " + outcome.Error,
        };
    }
}
