using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Context.ContextUsageAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Context;

public class ContextUsageTests
{
    [Test]
    public async Task EmptyCodeWithNoRuntimeHasNoDiagnostics()
    {
        await VerifyCS.VerifyWithoutRuntimeAsync("""
            public class Plain
            {
                public async void Fire() { try { await Task.Yield(); } catch { } }
            }
            """);
    }

    [Test]
    public async Task ContextUsedInsideAStepIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    var other = ctx.SleepAsync(TimeSpan.FromSeconds(1));
                    return await ctx.RunAsync("outer", async ct =>
                    {
                        await {|#0:ctx.SleepAsync(TimeSpan.FromSeconds(1))|};
                        var id = {|#1:ctx.NewGuid()|};
                        {|#2:await other|};
                        var ok = ctx.InvocationId.Length + ctx.CancellationToken.GetHashCode();
                        return {|#3:ctx.Random|}.Next(10) + ok;
                    });
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(0).WithArguments("ctx.SleepAsync"),
            VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(1).WithArguments("ctx.NewGuid"),
            VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(2).WithArguments("await other"),
            VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(3).WithArguments("ctx.Random"));
    }

    [Test]
    public async Task ContextInsideAStepPassedThroughAVariableIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<Guid> Run(IContext ctx)
                {
                    Func<CancellationToken, Task<Guid>> body = ct => Task.FromResult({|#0:ctx.NewGuid()|});
                    return await ctx.RunAsync("id", body);
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(0).WithArguments("ctx.NewGuid"));
    }

    [Test]
    public async Task ContextOutsideStepsIsFine()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                    var n = await ctx.RunAsync("n", ct => Task.FromResult(41));
                    Func<int> notAStep = () => ctx.Random.Next(10);
                    return n + notAStep();
                }
            }
            """);
    }

    [Test]
    public async Task BlockingWaitsOnDurableFuturesAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public Task<int> Run(IContext ctx)
                {
                    var future = ctx.RunAsync("n", ct => Task.FromResult(1));
                    var a = {|#0:future.GetAwaiter().GetResult()|};
                    var b = {|#1:future.AsTask().Result|};
                    {|#2:ctx.SleepAsync(TimeSpan.FromSeconds(1)).AsTask().Wait()|};
                    var task = future.AsTask();
                    var c = {|#3:task.Result|};
                    var plain = Task.FromResult(1).Result;
                    return Task.FromResult(a + b + c + plain);
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.BlockingWaitOnDurableFuture).WithLocation(0).WithArguments(".GetAwaiter().GetResult()"),
            VerifyCS.Diagnostic(RuleIds.BlockingWaitOnDurableFuture).WithLocation(1).WithArguments(".Result"),
            VerifyCS.Diagnostic(RuleIds.BlockingWaitOnDurableFuture).WithLocation(2).WithArguments(".Wait()"),
            VerifyCS.Diagnostic(RuleIds.BlockingWaitOnDurableFuture).WithLocation(3).WithArguments(".Result"));
    }

    [Test]
    public async Task AsyncVoidHandlersAndToolsAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler] public async void {|#0:Run|}(IContext ctx) => await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                public async void NotAHandler() => await Task.Yield();
            }

            [DurableAgent]
            public partial class Agent
            {
                [DurableTool(Description = "x")] public async void {|#1:Fire|}() => await Task.Yield();
            }
            """,
            VerifyCS.Diagnostic(RuleIds.AsyncVoidHandler).WithLocation(0).WithArguments("Run"),
            VerifyCS.Diagnostic(RuleIds.AsyncVoidHandler).WithLocation(1).WithArguments("Fire"));
    }

    [Test]
    public async Task DurableFuturesNeverAwaitedAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task Run(IContext ctx)
                {
                    {|#0:ctx.SleepAsync(TimeSpan.FromSeconds(1))|};
                    {|#1:ctx.RunAsync("x", ct => Task.CompletedTask)|};
                    var forgotten = {|#2:ctx.RunAsync("y", ct => Task.FromResult(1))|};
                    var used = ctx.RunAsync("z", ct => Task.FromResult(1));
                    _ = ctx.SleepAsync(TimeSpan.FromSeconds(1));
                    ctx.Send(CallTarget.ForService("Other", "run"), 1);
                    await used;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.DurableFutureNotAwaited).WithLocation(0).WithArguments("SleepAsync"),
            VerifyCS.Diagnostic(RuleIds.DurableFutureNotAwaited).WithLocation(1).WithArguments("RunAsync"),
            VerifyCS.Diagnostic(RuleIds.DurableFutureNotAwaited).WithLocation(2).WithArguments("RunAsync"));
    }

    [Test]
    public async Task StateWritesInSharedHandlersAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [VirtualObject]
            public partial class Counter
            {
                private IObjectContext _captured = null!;

                [Handler]
                public Task Add(IObjectContext ctx, int delta)
                {
                    _captured = ctx;
                    ctx.Set("count", delta);
                    return Task.CompletedTask;
                }

                [SharedHandler]
                public Task Reset(ISharedObjectContext ctx)
                {
                    {|#0:_captured.Set("count", 0)|};
                    {|#1:((IObjectContext)ctx).Clear("count")|};
                    return Task.CompletedTask;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.StateWriteInSharedHandler).WithLocation(0).WithArguments("ctx.Set", "Reset"),
            VerifyCS.Diagnostic(RuleIds.StateWriteInSharedHandler).WithLocation(1).WithArguments("ctx.Clear", "Reset"));
    }
}
