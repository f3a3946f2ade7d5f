using DurableAgents.Definitions;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests;

/// <summary>
/// The handlers of the reference TypeScript service that produced the captured vectors, written against our API,
/// so the bytes we emit can be compared with what the official SDK emitted for the same journal.
/// </summary>
internal static class ReferenceHandlers
{
    public static volatile bool FlakyShouldFail;

    public static ServiceDefinition Greeter { get; } = Service("Greeter",
        Handler<string, string>("greet", async (ctx, name) =>
        {
            var a = await ctx.RunAsync("step1", _ => Task.FromResult($"hello-{name}"));
            await ctx.SleepAsync(TimeSpan.FromMilliseconds(100));
            return await ctx.RunAsync("step2", _ => Task.FromResult($"{a}-done"));
        }),
        Handler<string?, string>("retryOnce", async (ctx, _) => await ctx.RunAsync("flaky", _ =>
            FlakyShouldFail ? throw new InvalidOperationException("transient boom") : Task.FromResult("ok-after-retry"))),
        Handler<string?, string>("awake", async (ctx, _) =>
        {
            var awakeable = ctx.Awakeable<string>();
            await ctx.RunAsync("publish", _ => Task.FromResult(awakeable.Id));
            var v = await awakeable.Value;
            return $"got {v} for {awakeable.Id}";
        }),
        Handler<string, int>("callCounter", async (ctx, key) =>
        {
            var v = await ctx.CallAsync<int, int>(CallTarget.ForObject("Counter", key, "add"), 5);
            ctx.Send(CallTarget.ForObject("Counter", key, "add"), 1);
            return v;
        }),
        Handler<string?, string>("mismatch", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMilliseconds(10));
            return "x";
        }));
}
