using System.Diagnostics;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Shared;

/// <summary>Helpers that take the durable context: they forward their delegates to steps, or only use the context.</summary>
public static class ContextExtensions
{
    /// <summary>
    /// Runs <paramref name="action"/> as a step and logs how long its execution took. The stopwatch and the log line are
    /// inside the step (they run only when the step really runs); only the action's result is journaled.
    /// </summary>
    public static DurableFuture<T> TimedStepAsync<T>(this IContext ctx, string name, Func<CancellationToken, Task<T>> action, ILogger logger)
        => ctx.RunAsync(name, async ct =>
        {
            var watch = Stopwatch.StartNew();
            var value = await action(ct);
            logger.LogDebug("Step {Step} took {Elapsed} ms", name, watch.ElapsedMilliseconds);
            return value;
        });

    /// <summary>A step with the team's default retry policy; the parameter is marked so analyzers see a step body.</summary>
    public static DurableFuture<T> StepWithRetriesAsync<T>(this IContext ctx, string name, [RunsInDurableStep] Func<CancellationToken, Task<T>> action)
        => ctx.RunAsync(name, action, new RunOptions { RetryPolicy = RetryPolicy.Exponential(TimeSpan.FromMilliseconds(200), maxAttempts: 8) });

    /// <summary>A deterministic, sortable id from the journal: the context's time and random.</summary>
    public static async Task<string> NewSortableIdAsync(this IContext ctx, string prefix)
    {
        var now = await ctx.NowAsync();
        return $"{prefix}-{now:yyyyMMddHHmmss}-{ctx.Random.Next(0, 1 << 20):x5}";
    }

    /// <summary>Sleeps until a point in time, computed from the journaled clock.</summary>
    public static async Task SleepUntilAsync(this IContext ctx, DateTimeOffset dueAt, string name)
    {
        var now = await ctx.NowAsync();
        if (dueAt > now)
        {
            await ctx.SleepAsync(dueAt - now, name);
        }
    }
}
