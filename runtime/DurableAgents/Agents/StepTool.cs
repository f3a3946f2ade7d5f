using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

internal sealed class StepTool(string name, string description, JsonElement schema, bool requiresApproval,
    Func<IContext, JsonElement, Func<CancellationToken, Task<JsonElement>>> bind) : DurableTool(name, description, schema, requiresApproval)
{
    internal override ToolInvocation Start(IContext context, string callId, JsonElement arguments, ToolRunSettings settings)
    {
        Func<CancellationToken, Task<JsonElement>> body;
        try
        {
            body = bind(context, arguments);
        }
        catch (TerminalException e)
        {
            // Invalid arguments: deterministic (the arguments are journaled with the model response), so no step is needed.
            var outcome = new ToolOutcome { Error = e.Message };
            return new ToolInvocation(() => Task.FromResult(outcome));
        }

        return Run(context, "tool:" + Name + ":" + callId, Name, Description, callId, "function",
            async ct => new ToolOutcome { Result = await body(ct).ConfigureAwait(false) }, settings);
    }

    /// <summary>
    /// Runs <paramref name="body"/> as the journaled step <paramref name="stepName"/> of the tool call
    /// <paramref name="callId"/>: traced and counted only when it executes, its failures mapped per
    /// <paramref name="settings"/> (a terminal failure is journaled as a value; without a retry policy an exception becomes
    /// an error for the model or, with <see cref="ToolErrorBehavior.FailRun"/>, fails the run).
    /// </summary>
    internal static ToolInvocation Run(IContext context, string stepName, string toolName, string? description, string callId, string toolType,
        Func<CancellationToken, Task<ToolOutcome>> body, ToolRunSettings settings)
    {
        var retry = settings.RetryPolicy;
        var future = context.RunAsync(stepName, async ct =>
        {
            // Runs only when the call is not journaled yet: a replayed tool call is neither traced nor counted again.
            using var telemetry = DurableAgentsTelemetry.StartToolCall(toolName, callId, toolType, description);
            try
            {
                var outcome = await body(ct).ConfigureAwait(false);
                telemetry.Ended(outcome.Error is null ? "result" : "error", outcome.Error);
                return outcome;
            }
            catch (CancelledException e)
            {
                telemetry.Ended("terminal_failure", e.Message);
                throw;
            }
            catch (TerminalException e)
            {
                // Journaled as a value, so a terminal failure of the tool is told apart from exhausted retries.
                telemetry.Ended("terminal_failure", e.Message);
                return new ToolOutcome { TerminalCode = e.Code, TerminalMessage = e.Message };
            }
            catch (Exception e) when (retry is null && e is not OperationCanceledException && e is not InvocationClosedException)
            {
                var failRun = settings.Errors == ToolErrorBehavior.FailRun;
                telemetry.Ended(failRun ? "terminal_failure" : "error", $"{e.GetType().Name}: {e.Message}");
                return failRun
                    ? new ToolOutcome { TerminalCode = 500, TerminalMessage = $"Tool '{toolName}' failed: {e.Message}" }
                    : new ToolOutcome { Error = $"{e.GetType().Name}: {e.Message}" };
            }
            catch (Exception e) when (e is not InvocationClosedException)
            {
                telemetry.Ended("retryable_failure", $"{e.GetType().Name}: {e.Message}");
                throw;
            }
        }, AgentJson.ToolOutcome, new RunOptions { RetryPolicy = retry });
        return ToolInvocation.Of(future);
    }
}
