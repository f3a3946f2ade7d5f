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

        var retry = settings.RetryPolicy;
        var future = context.RunAsync("tool:" + Name + ":" + callId, async ct =>
        {
            // Runs only when the call is not journaled yet: a replayed tool call is neither traced nor counted again.
            using var telemetry = DurableAgentsTelemetry.StartToolCall(Name, callId, Description);
            try
            {
                var outcome = new ToolOutcome { Result = await body(ct).ConfigureAwait(false) };
                telemetry.Ended("result");
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
                    ? new ToolOutcome { TerminalCode = 500, TerminalMessage = $"Tool '{Name}' failed: {e.Message}" }
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
