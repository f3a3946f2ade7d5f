using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Context.ContextUsageAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Context;

/// <summary>
/// DA3001 through helpers (issue 16, part 1): a step body that calls a helper which issues a durable operation (itself or
/// through further helpers) nests durable operations in a step. The message names the chain.
/// </summary>
public class NestedContextTests
{
    private static DiagnosticResult Nested(int location, string chain) =>
        VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(location).WithArguments(chain);

    [Test]
    public async Task HelperCalledFromAStepThatUsesTheContextIsReportedWithTheChain()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Orders
            {
                [Handler]
                public async Task Place(IContext ctx)
                {
                    await ctx.RunAsync("a", async _ => await {|#0:Helpers.Pause(ctx)|});
                    await ctx.RunAsync("b", async _ => await {|#1:Helpers.Twice(ctx)|});
                    await ctx.RunAsync("c", async _ => { await {|#2:Nested()|}; });

                    async Task Nested() => await ctx.RunAsync("inner", _ => Task.CompletedTask);
                }
            }

            public static class Helpers
            {
                public static async Task Pause(IContext ctx) => await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                public static async Task Twice(IContext ctx) { await Task.Yield(); await Pause(ctx); }
            }
            """,
            Nested(0, "Helpers.Pause → ctx.SleepAsync"),
            Nested(1, "Helpers.Twice → Helpers.Pause → ctx.SleepAsync"),
            Nested(2, "Nested → ctx.RunAsync"));
    }

    [Test]
    public async Task MethodGroupStepBodyThatUsesAContextFieldIsReported()
    {
        await VerifyCS.VerifyAsync("""
            public sealed class Audit(IContext ctx)
            {
                public async Task<int> Write(CancellationToken ct) { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); return 1; }
            }

            [Service]
            public partial class Orders
            {
                [Handler]
                public async Task<int> Place(IContext ctx) => await ctx.RunAsync("audit", {|#0:new Audit(ctx).Write|});
            }
            """,
            Nested(0, "Audit.Write → ctx.SleepAsync"));
    }

    [Test]
    public async Task AwaitedDurableFutureFromAHelperIsReportedOnce()
    {
        // The await of a durable future in a step is reported by the direct check; the helper call is not reported again.
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Orders
            {
                [Handler]
                public async Task Place(IContext ctx) =>
                    await ctx.RunAsync("a", async _ => {|#0:await Helpers.Pause(ctx)|});
            }

            public static class Helpers
            {
                public static DurableFuture Pause(IContext ctx) => ctx.SleepAsync(TimeSpan.FromSeconds(1));
            }
            """,
            VerifyCS.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(0).WithArguments("await Helpers.Pause(ctx)"));
    }

    [Test]
    public async Task HelpersWithoutDurableOperationsAndHelpersCalledOutsideStepsAreFine()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Orders
            {
                [Handler]
                public async Task<string> Place(IContext ctx)
                {
                    await Helpers.Pause(ctx);
                    var id = await ctx.RunAsync("id", _ => Task.FromResult(Helpers.Format(ctx.InvocationId)));
                    return await ctx.RunAsync("wrapped", _ => Task.FromResult(Helpers.OwnStep(ctx)));
                }
            }

            public static class Helpers
            {
                public static async Task Pause(IContext ctx) => await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                public static string Format(string id) => "order-" + id;
                public static string OwnStep(IContext ctx) => Format(ctx.InvocationId) + ctx.RequestHeaders.Count;
            }
            """);
    }
}
