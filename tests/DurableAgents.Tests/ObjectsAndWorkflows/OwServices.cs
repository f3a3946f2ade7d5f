using System.Collections.Concurrent;
using System.Diagnostics;
using DurableAgents.Clients;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

/// <summary>The Virtual Objects, Workflows and services of the end-to-end tests, and what their side effects recorded.</summary>
internal static class OwServices
{
    /// <summary>Runs of named steps, per "tag/step".</summary>
    public static readonly ConcurrentDictionary<string, int> StepRuns = new();

    /// <summary>Things a handler published for the test (invocation ids, progress markers), per tag.</summary>
    public static readonly ConcurrentDictionary<string, string> Published = new();

    public static void Count(string tag, string step) => StepRuns.AddOrUpdate($"{tag}/{step}", 1, (_, n) => n + 1);

    public static int Runs(string tag, string step) => StepRuns.GetValueOrDefault($"{tag}/{step}");

    public static string NewTag(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task<string> WaitForAsync(string key, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        string? value;
        while (!Published.TryGetValue(key, out value))
        {
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"Nothing was published under '{key}'.");
            }

            await Task.Delay(20);
        }

        return value;
    }

    /// <summary>A counter: exclusive add, shared get.</summary>
    public static ServiceDefinition Counter(string name = "OwCounter", ServiceOptions? options = null) => new()
    {
        Name = name,
        Type = ServiceType.VirtualObject,
        JsonTypeInfoResolver = TestJsonContext.Default,
        Options = options,
        Handlers =
        [
            Exclusive<int, int>("add", async (ctx, delta) =>
            {
                var value = await ctx.GetAsync<int>("count") + delta;
                ctx.Set("count", value);
                return value;
            }),
            Shared<string, int>("get", async (ctx, _) => await ctx.GetAsync<int>("count")),
            Shared<string, string[]>("keys", async (ctx, _) => [.. await ctx.GetStateKeysAsync()]),
            Exclusive<string, string>("note", async (ctx, text) =>
            {
                var before = await ctx.TryGetAsync<string>("note");
                ctx.Set("note", text);
                var keys = await ctx.GetStateKeysAsync();
                return $"{(before.Exists ? before.Value : "<none>")}|{string.Join(",", keys)}";
            }),
        ],
    };

    /// <summary>A workflow whose run waits on the "approval" promise, resolved or rejected by shared handlers.</summary>
    public static ServiceDefinition Approval() => Workflow("OwApproval",
        WorkflowRun<string, string>("run", async (ctx, request) =>
        {
            ctx.Set("status", "waiting");
            var approval = await ctx.Promise<string>("approval");
            ctx.Set("status", "approved");
            var receipt = await ctx.RunAsync("receipt", _ => Task.FromResult($"{request}:{approval}"));
            return "approved " + receipt;
        }),
        SharedWorkflow<string, bool>("approve", async (ctx, value) =>
        {
            await ctx.Promise<string>("approval").ResolveAsync(value);
            return true;
        }),
        SharedWorkflow<string, bool>("reject", async (ctx, reason) =>
        {
            await ctx.Promise<string>("approval").RejectAsync(reason, 403);
            return true;
        }),
        SharedWorkflow<string, string>("peek", async (ctx, _) =>
        {
            var peeked = await ctx.Promise<string>("approval").PeekAsync();
            return peeked.Exists ? "value:" + peeked.Value : "<pending>";
        }),
        SharedWorkflow<string, string>("status", async (ctx, _) => await ctx.GetAsync<string>("status") ?? "<none>"));

    /// <summary>Services for cancellation and crash tests.</summary>
    public static ServiceDefinition Tasks() => Service("OwTasks",
        Handler<string, string>("sleepLong", async (ctx, tag) =>
        {
            await ctx.RunAsync("started", _ =>
            {
                Published[tag + "/id"] = ctx.InvocationId;
                return Task.CompletedTask;
            });
            await ctx.SleepAsync(TimeSpan.FromHours(1));
            Count(tag, "after-sleep");
            return "woke";
        }),
        Handler<string, string>("callSleeper", async (ctx, tag) =>
        {
            await ctx.RunAsync("started", _ =>
            {
                Published[tag + "/caller"] = ctx.InvocationId;
                return Task.CompletedTask;
            });
            var result = await ctx.CallAsync<string, string>(CallTarget.ForService("OwTasks", "sleepLong"), tag + "-child");
            Count(tag, "after-call");
            return result;
        }),
        Handler<string, bool>("cancel", (ctx, invocationId) =>
        {
            ctx.CancelInvocation(invocationId);
            return Task.FromResult(true);
        }),
        Handler<string, string>("twoSteps", async (ctx, tag) =>
        {
            var first = await ctx.RunAsync("step1", _ =>
            {
                Count(tag, "step1");
                return Task.FromResult("one");
            });
            Published[tag + "/step1-journaled"] = ctx.InvocationId;
            await ctx.SleepAsync(TimeSpan.FromSeconds(3));
            var second = await ctx.RunAsync("step2", _ =>
            {
                Count(tag, "step2");
                return Task.FromResult("two");
            });
            return $"{first}-{second}";
        }));
}

/// <summary>A restate-server and an endpoint serving <see cref="Services"/>, registered; typed clients.</summary>
public abstract class OwFixture
{
    protected RestateServer Server { get; private set; } = null!;

    protected RestateHost Host { get; private set; } = null!;

    protected IngressClient Ingress { get; private set; } = null!;

    protected AdminClient Admin { get; private set; } = null!;

    private HttpClient _ingressHttp = null!;
    private HttpClient _adminHttp = null!;

    internal abstract IEnumerable<ServiceDefinition> Services { get; }

    protected virtual RestateServerOptions ServerOptions => new();

    [OneTimeSetUp]
    public async Task StartFixtureAsync()
    {
        Server = await RestateServer.StartAsync(ServerOptions);
        Host = await StartHostAsync();
        _ingressHttp = new HttpClient { BaseAddress = Server.IngressUri, Timeout = TimeSpan.FromSeconds(90) };
        _adminHttp = new HttpClient { BaseAddress = Server.AdminUri, Timeout = TimeSpan.FromSeconds(60) };
        Ingress = new IngressClient(_ingressHttp);
        Admin = new AdminClient(_adminHttp);
        await Admin.RegisterDeploymentAsync(Host.Uri);
    }

    internal Task<RestateHost> StartHostAsync() => RestateHost.StartAsync(0, o =>
    {
        foreach (var s in Services)
        {
            o.Bind(s);
        }
    });

    [OneTimeTearDown]
    public async Task StopFixtureAsync()
    {
        _ingressHttp?.Dispose();
        _adminHttp?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }

    protected void ReplaceHost(RestateHost host) => Host = host;
}
