namespace DurableAgents.ClusterChaos;

/// <summary>The workflow input: how many steps and how long each takes.</summary>
/// <param name="Steps">Number of sequential durable steps.</param>
/// <param name="StepMs">Base duration of a step in milliseconds (each step adds a deterministic 0-100 % on top).</param>
/// <param name="Sabotage">Run the step bodies outside the journal (not durable): a self-check of the harness, whose
/// report must then count re-executed completed steps after a kill.</param>
public sealed record WorkflowRequest(int Steps, int StepMs, bool Sabotage = false);

/// <summary>
/// A workflow of N durable steps. Every step body logs <c>start</c> (the counted side effect) and, after its result
/// came back journaled, the handler logs <c>acked</c>: a <c>start</c> after an <c>acked</c> of the same step is a
/// completed step executed again.
/// </summary>
[Workflow("ChaosWorkflow")]
public sealed partial class ChaosWorkflow
{
    /// <summary>Runs the steps; returns the sum of the step numbers (55 for 10 steps).</summary>
    [Handler]
    public static async Task<int> RunAsync(IWorkflowContext context, WorkflowRequest request)
    {
        var key = context.Key;
        var total = 0;
        for (var i = 1; i <= request.Steps; i++)
        {
            var step = i;
            async Task<int> Body(CancellationToken ct)
            {
                EffectLog.Write("step", key, step, "start");
                await Task.Delay(request.StepMs + (key.Length * 31 + step * 57) % (request.StepMs + 1), ct);
                EffectLog.Write("step", key, step, "end");
                return step;
            }

            total += request.Sabotage ? await Body(CancellationToken.None) : await context.RunAsync($"step{step}", Body);
            EffectLog.Write("step", key, step, "acked");
        }

        return total;
    }
}
