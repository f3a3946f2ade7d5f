using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// DA2007: first-to-finish task combinators (Task.WhenAny, WaitAny, WhenEach) over tasks that complete through the
/// journal, however the tasks are built; Task.WhenAll (order-independent) and combinators over ordinary tasks are quiet.
/// </summary>
public class CombinatorTests
{
    private static string InHandler(string body) => $$"""
        using System.Linq;

        [Service]
        public partial class Svc
        {
            [Handler]
            public async Task Run(IContext ctx, string[] ids)
            {
                {{body}}
            }

            private static async Task<int> Process(IContext ctx, string id) => await ctx.RunAsync(id, ct => Task.FromResult(id.Length));
        }
        """;

    private static DiagnosticResult Combinator(string api) =>
        VerifyCS.Diagnostic(RuleIds.TaskCombinatorOverDurableFutures).WithLocation(0).WithArguments(api, "Svc.Run", "WhenAny");

    [TestCase("await {|#0:Task.WhenAny(a.AsTask(), b.AsTask())|};", "Task.WhenAny")]
    [TestCase("var first = await {|#0:Task.WhenAny(a.AsTask(), Task.FromResult(0))|};", "Task.WhenAny")]
    [TestCase("{|#0:Task.WaitAny(a.AsTask(), b.AsTask())|};", "Task.WaitAny")]
    [TestCase("await foreach (var t in {|#0:Task.WhenEach(a.AsTask(), b.AsTask())|}) { }", "Task.WhenEach")]
    [TestCase("var ta = a.AsTask(); var tb = b.AsTask(); await {|#0:Task.WhenAny(ta, tb)|};", "Task.WhenAny")]
    [TestCase("Task ta; ta = a.AsTask(); await {|#0:Task.WhenAny(ta, Task.CompletedTask)|};", "Task.WhenAny")]
    [TestCase("var tasks = new[] { a.AsTask(), b.AsTask() }; await {|#0:Task.WhenAny(tasks)|};", "Task.WhenAny")]
    [TestCase("var tasks = new List<Task>(); tasks.Add(a.AsTask()); tasks.Add(b.AsTask()); await {|#0:Task.WhenAny(tasks)|};", "Task.WhenAny")]
    [TestCase("List<Task> tasks = [a.AsTask(), b.AsTask()]; await {|#0:Task.WhenAny(tasks)|};", "Task.WhenAny")]
    [TestCase("await {|#0:Task.WhenAny(ids.Select(id => ctx.RunAsync(id, ct => Task.FromResult(1)).AsTask()))|};", "Task.WhenAny")]
    [TestCase("var running = ids.Select(async id => await ctx.RunAsync(id, ct => Task.FromResult(1))).ToList(); await {|#0:Task.WhenAny(running)|};", "Task.WhenAny")]
    [TestCase("await {|#0:Task.WhenAny(Process(ctx, \"x\"), Process(ctx, \"y\"))|};", "Task.WhenAny")]
    [TestCase("var aw = ctx.Awakeable<string>(); await {|#0:Task.WhenAny(aw.Value.AsTask(), b.AsTask())|};", "Task.WhenAny")]
    public Task FirstToFinishCombinatorsOverDurableTasksAreReported(string body, string api) =>
        VerifyCS.VerifyAsync(
            InHandler("var a = ctx.RunAsync(\"a\", ct => Task.FromResult(1));\nvar b = ctx.SleepAsync(TimeSpan.FromSeconds(1));\n" + body),
            Combinator(api));

    [TestCase("await Task.WhenAll(a.AsTask(), b.AsTask());")]
    [TestCase("var tasks = new[] { a.AsTask(), b.AsTask() }; await Task.WhenAll(tasks);")]
    [TestCase("await Task.WhenAll(ids.Select(id => ctx.RunAsync(id, ct => Task.FromResult(1)).AsTask()));")]
    [TestCase("var i = await ctx.WhenAny(a, b); await ctx.WhenAll(a, b);")]
    [TestCase("await Task.WhenAny(Task.FromResult(1), Task.CompletedTask);")]
    [TestCase("var tasks = new List<Task> { Task.CompletedTask }; await Task.WhenAny(tasks);")]
    [TestCase("var plain = ids.Select(async id => { await Task.Yield(); return id; }); await Task.WhenAny(plain);")]
    [TestCase("await ctx.RunAsync(\"race\", async ct => { await Task.WhenAny(Task.CompletedTask, Task.Delay(1, ct)); });")]
    public Task WhenAllAndCombinatorsOverOrdinaryTasksAreNotReported(string body) =>
        VerifyCS.VerifyAsync(InHandler("var a = ctx.RunAsync(\"a\", ct => Task.FromResult(1));\nvar b = ctx.SleepAsync(TimeSpan.FromSeconds(1));\n" + body));
}
