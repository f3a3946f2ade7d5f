using System.Text.Json.Nodes;
using DurableAgents.Definitions;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>
/// Our equivalents of the services that produced the golden vectors in shared/restate/vectors (tools/service.mjs for the
/// TypeScript SDK, tools/raw_sdk.mjs for the raw SDK, and the C# validation program). Handlers whose behaviour changed
/// between attempts of the captured invocation get one handler per attempt (the handler name is not on the wire).
/// </summary>
internal static class GoldenServices
{
    public static ServiceDefinition Greeter { get; } = Service("Greeter",
        Handler<string, string>("greet", async (ctx, name) =>
        {
            var a = await ctx.RunAsync("step1", _ => Task.FromResult($"hello-{name}"));
            await ctx.SleepAsync(TimeSpan.FromMilliseconds(100));
            return await ctx.RunAsync("step2", _ => Task.FromResult($"{a}-done"));
        }),
        Handler<string, string>("fail", (_, name) => throw new TerminalException($"bad name {name}", 409)),
        Handler<string?, string>("retryOnceFailing", async (ctx, _) => await ctx.RunAsync<string>("flaky", _ => throw new InvalidOperationException("transient boom"))),
        Handler<string?, string>("retryOnce", async (ctx, _) => await ctx.RunAsync("flaky", _ => Task.FromResult("ok-after-retry"))),
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
        Handler<string?, string>("mismatchFirst", async (ctx, _) =>
        {
            await ctx.RunAsync("a", _ => Task.FromResult(1));
            throw new InvalidOperationException("retry me");
        }),
        Handler<string?, string>("mismatch", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMilliseconds(10));
            return "x";
        }),
        Handler<string?, JsonObject>("rand", (ctx, _) => Task.FromResult(new JsonObject { ["r"] = ctx.Random.NextDouble(), ["uuid"] = ctx.NewGuid().ToString() })));

    public static ServiceDefinition Counter { get; } = Object("Counter",
        Shared<string?, int>("get", async (ctx, _) => await ctx.GetAsync<int?>("count") ?? 0),
        Exclusive<int, int>("set", (ctx, v) =>
        {
            ctx.Set("count", v);
            return Task.FromResult(v);
        }),
        Exclusive<int?, int>("add", async (ctx, delta) =>
        {
            var next = (await ctx.GetAsync<int?>("count") ?? 0) + (delta ?? 1);
            ctx.Set("count", next);
            return next;
        }));

    public static ServiceDefinition Raw { get; } = RawService("Raw", "\"slept\"");

    public static ServiceDefinition CsRaw { get; } = RawService("CsRaw", "\"slept in C#\"");

    private static ServiceDefinition RawService(string name, string slept) => Service(name,
        new HandlerDefinition { Name = "echo", Invoker = (_, input) => ValueTask.FromResult(input.IsEmpty ? (ReadOnlyMemory<byte>)"null"u8.ToArray() : input) },
        new HandlerDefinition
        {
            Name = "sleepy",
            Invoker = async (ctx, _) =>
            {
                await ctx.SleepAsync(TimeSpan.FromMilliseconds(100));
                return System.Text.Encoding.UTF8.GetBytes(slept);
            },
        },
        new HandlerDefinition { Name = "boom", Invoker = (_, _) => throw new InvalidOperationException("raw boom") });
}
