using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// DA2012: durable operations issued in hash order: foreach and LINQ over Dictionary/HashSet/ConcurrentDictionary (or
/// their Keys/Values, or unsorted copies of them), directly or through a helper; not when nothing durable is issued,
/// and not over sorted or ordered sequences.
/// </summary>
public class OrderingTests
{
    private static string InHandler(string body) => $$"""
        using System.Linq;
        using System.Collections.Concurrent;

        [Service]
        public partial class Svc
        {
            [Handler]
            public async Task Run(IContext ctx, string[] names)
            {
                var set = new HashSet<string>(names);
                var map = names.ToDictionary(n => n, n => n.Length);
                var concurrent = new ConcurrentDictionary<string, int>();
                var sorted = new SortedDictionary<string, int>(map);
                var list = names.ToList();
                {{body}}
            }

            private async Task Notify(IContext ctx, string name) => await ctx.RunAsync("notify " + name, ct => Task.FromResult(name));

            private Task Log(string name) => Task.CompletedTask;

            private Task Forward(string name) => Deeper(name);

            private Task Deeper(string name) => Ctx!.SleepAsync(TimeSpan.FromSeconds(name.Length)).AsTask();

            private IContext? Ctx { get; set; }
        }
        """;

    private static DiagnosticResult Ordering(string api) =>
        VerifyCS.Diagnostic(RuleIds.UnorderedIterationDrivesDurableCalls).WithLocation(0).WithArguments(api, "Svc.Run");

    [TestCase("foreach (var n in {|#0:set|}) { await ctx.RunAsync(n, ct => Task.FromResult(1)); }", "foreach over HashSet")]
    [TestCase("foreach (var (k, v) in {|#0:map|}) { await ctx.SleepAsync(TimeSpan.FromSeconds(v)); }", "foreach over Dictionary")]
    [TestCase("foreach (var k in {|#0:map.Values|}) { ctx.Send(CallTarget.ForService(\"Other\", \"run\"), k); }", "foreach over Dictionary")]
    [TestCase("foreach (var k in {|#0:concurrent.Keys|}) { await ctx.RunAsync(k, ct => Task.FromResult(1)); }", "foreach over ConcurrentDictionary")]
    [TestCase("foreach (var k in {|#0:map.Keys.Where(k => k.Length > 1).ToList()|}) { await ctx.RunAsync(k, ct => Task.FromResult(1)); }", "foreach over Dictionary")]
    [TestCase("foreach (var k in {|#0:new List<string>(set)|}) { await ctx.RunAsync(k, ct => Task.FromResult(1)); }", "foreach over HashSet")]
    [TestCase("foreach (var n in {|#0:set|}) { await Notify(ctx, n); }", "foreach over HashSet")]
    [TestCase("await ctx.WhenAll({|#0:map.Keys.Select(k => ctx.RunAsync(k, ct => Task.FromResult(1)))|}.ToArray());", "Select over Dictionary")]
    [TestCase("var futures = {|#0:set.Select(n => ctx.SleepAsync(TimeSpan.FromSeconds(n.Length)))|}.ToList(); foreach (var f in futures) { await f; }", "Select over HashSet")]
    [TestCase("{|#0:set.ToList().ForEach(n => ctx.Send(CallTarget.ForService(\"Other\", \"run\"), n))|};", "ForEach over HashSet")]
    public Task HashOrderDrivingDurableOperationsIsReported(string body, string api) =>
        VerifyCS.VerifyAsync(InHandler(body), Ordering(api));

    [Test]
    public async Task LoopThatReachesDurableOperationsThroughHelpersIsReported()
    {
        await VerifyCS.VerifyAsync(
            InHandler("foreach (var n in {|#0:set|}) { await Forward(n); }"),
            Ordering("foreach over HashSet"));
    }

    [TestCase("var total = 0; foreach (var n in set) { total += n.Length; } await ctx.RunAsync(\"t\", ct => Task.FromResult(total));")]
    [TestCase("foreach (var n in set) { await Log(n); }")]
    [TestCase("foreach (var n in names) { await ctx.RunAsync(n, ct => Task.FromResult(1)); }")]
    [TestCase("foreach (var n in list) { await ctx.RunAsync(n, ct => Task.FromResult(1)); }")]
    [TestCase("foreach (var kv in sorted) { await ctx.RunAsync(kv.Key, ct => Task.FromResult(1)); }")]
    [TestCase("foreach (var k in map.Keys.OrderBy(k => k, StringComparer.Ordinal)) { await ctx.RunAsync(k, ct => Task.FromResult(1)); }")]
    [TestCase("foreach (var k in set.Order().ToList()) { await Notify(ctx, k); }")]
    [TestCase("await ctx.WhenAll(map.Keys.Order().Select(k => ctx.RunAsync(k, ct => Task.FromResult(1))).ToArray());")]
    [TestCase("var lengths = set.Select(n => n.Length).ToList(); await ctx.RunAsync(\"l\", ct => Task.FromResult(lengths.Count));")]
    [TestCase("await ctx.RunAsync(\"inside\", async ct => { foreach (var n in set) { await Task.Yield(); } });")]
    public Task NoDurableOperationOrDeterministicOrderIsNotReported(string body) =>
        VerifyCS.VerifyAsync(InHandler(body));
}
