using System.Collections.Concurrent;
using System.Diagnostics;
using DurableAgents.Definitions;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Clients;

/// <summary>Hand-written services the client tests call, and what their side effects recorded.</summary>
internal static class ClientTestServices
{
    /// <summary>Side-effect runs per tag (the <c>count</c> handler).</summary>
    public static readonly ConcurrentDictionary<string, int> Counts = new();

    /// <summary>When the <c>record</c> handler's step ran, per tag.</summary>
    public static readonly ConcurrentDictionary<string, DateTimeOffset> Recorded = new();

    /// <summary>The (invocation id, awakeable id) published by the <c>awaitAwakeable</c> handler, per tag.</summary>
    public static readonly ConcurrentDictionary<string, (string InvocationId, string AwakeableId)> Awakeables = new();

    public static ServiceDefinition Greeter() => Service("ClientGreeter",
        Handler<string, string>("greet", (ctx, name) => Task.FromResult($"hello {name}")),
        Handler<string, string>("fail", (ctx, name) => throw new TerminalException($"bad name {name}", 409)),
        Handler<string, string>("header", (ctx, name) =>
            Task.FromResult(ctx.RequestHeaders.TryGetValue(name, out var value) ? value : "<none>")),
        Handler<string, int>("count", async (ctx, tag) =>
            await ctx.RunAsync("count", _ => Task.FromResult(Counts.AddOrUpdate(tag, 1, (_, n) => n + 1)))),
        Handler<string, string>("record", async (ctx, tag) =>
        {
            await ctx.RunAsync("record", _ =>
            {
                Recorded.TryAdd(tag, DateTimeOffset.UtcNow);
                return Task.CompletedTask;
            });
            return tag;
        }),
        Handler<string, string>("awaitAwakeable", async (ctx, tag) =>
        {
            var awakeable = ctx.Awakeable<string>();
            await ctx.RunAsync("publish", _ =>
            {
                Awakeables[tag] = (ctx.InvocationId, awakeable.Id);
                return Task.CompletedTask;
            });
            return await awakeable.Value;
        }));

    public static ServiceDefinition Counter() => Object("ClientCounter",
        Exclusive<int, int>("add", async (ctx, delta) =>
        {
            var value = await ctx.GetAsync<int>("count") + delta;
            ctx.Set("count", value);
            return value;
        }),
        Shared<string, int>("get", async (ctx, _) => await ctx.GetAsync<int>("count")),
        Shared<string, string>("whoami", (ctx, _) => Task.FromResult(ctx.Key)),
        WithoutInput(Shared<string, int>("peek", async (ctx, _) => await ctx.GetAsync<int>("count"))));

    /// <summary>The handler declaring no input (as the generator emits for a method without an input parameter).</summary>
    private static HandlerDefinition WithoutInput(HandlerDefinition h) => new()
    {
        Name = h.Name,
        Type = h.Type,
        Invoker = h.Invoker,
        InputContentType = null,
        OutputContentType = h.OutputContentType,
    };

    public static ServiceDefinition Signup() => Workflow("ClientSignup",
        WorkflowRun<string, string>("run", async (ctx, email) =>
        {
            var id = await ctx.RunAsync("create", _ => Task.FromResult($"user-{ctx.Key}"));
            return $"{id}:{email}";
        }));

    /// <summary>Waits until the awaitAwakeable handler for <paramref name="tag"/> published its ids.</summary>
    public static async Task<(string InvocationId, string AwakeableId)> WaitForAwakeableAsync(string tag, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (!Awakeables.TryGetValue(tag, out var ids))
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"The handler for '{tag}' did not publish its awakeable.");
            }

            await Task.Delay(20);
        }

        return Awakeables[tag];
    }

    /// <summary>A tag unique to one test run, so a retained invocation or state from an earlier test never interferes.</summary>
    public static string NewTag(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
