using DurableAgents.Analyzers;
using DurableAgents.Analyzers.Determinism;
using ClockFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.ClockFixer>;
using CombinatorFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.CombinatorFixer>;
using DelayFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.DelayFixer>;
using GuidFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.GuidFixer>;
using RandomFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.RandomFixer>;
using WrapFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.WrapInRunFixer>;

namespace DurableAgents.CodeFixes.Tests;

public class DeterminismFixTests
{
    private static string Handler(string body, string signature = "public async Task<string> Run(IContext ctx)") => $$"""
        [Service]
        public partial class Svc
        {
            private readonly System.Net.Http.HttpClient _http = new();

            [Handler]
            {{signature}}
            {
                {{body}}
            }
        }
        """;

    [TestCase("var t = {|#0:DateTime.UtcNow|};", "var t = (await ctx.NowAsync()).UtcDateTime;", "DateTime.UtcNow")]
    [TestCase("var t = {|#0:DateTime.Now|}.Hour;", "var t = (await ctx.NowAsync()).LocalDateTime.Hour;", "DateTime.Now")]
    [TestCase("var t = {|#0:DateTime.Today|};", "var t = (await ctx.NowAsync()).LocalDateTime.Date;", "DateTime.Today")]
    [TestCase("var t = {|#0:DateTimeOffset.UtcNow|};", "var t = await ctx.NowAsync();", "DateTimeOffset.UtcNow")]
    [TestCase("var t = {|#0:DateTimeOffset.UtcNow|}.ToUnixTimeSeconds();", "var t = (await ctx.NowAsync()).ToUnixTimeSeconds();", "DateTimeOffset.UtcNow")]
    [TestCase("var t = {|#0:DateTimeOffset.Now|};", "var t = (await ctx.NowAsync()).ToLocalTime();", "DateTimeOffset.Now")]
    public async Task ClockBecomesNowAsync(string body, string fixedBody, string api)
    {
        await ClockFix.VerifyAsync(
            Handler(body + " return t.ToString();"),
            [ClockFix.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0).WithArguments(api, "Svc.Run")],
            Handler(fixedBody + " return t.ToString();"));
    }

    [Test]
    public async Task ClockInASynchronousMethodHasNoFix()
    {
        var source = Handler("return Task.FromResult({|#0:DateTime.UtcNow|}.ToString());", "public Task<string> Run(IContext ctx)");
        await ClockFix.VerifyAsync(source, [ClockFix.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0).WithArguments("DateTime.UtcNow", "Svc.Run")], source);
    }

    [Test]
    public async Task ClockInAHelperWithoutAContextHasNoFix()
    {
        var source = """
            [Service]
            public partial class Svc
            {
                [Handler]
                public Task<string> Run(IContext ctx) => Stamp();

                private static async Task<string> Stamp() { await Task.Yield(); return {|#0:DateTime.UtcNow|}.ToString(); }
            }
            """;
        await ClockFix.VerifyAsync(source, [ClockFix.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0).WithArguments("DateTime.UtcNow", "Svc.Run → Svc.Stamp")], source, Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck);
    }

    [Test]
    public async Task ClockFixFindsTheContextOfTheEnclosingHandlerFromALambda()
    {
        await ClockFix.VerifyAsync(
            Handler("""
                Func<Task<DateTime>> stamp = async () => {|#0:DateTime.UtcNow|};
                return (await stamp()).ToString();
                """, "public async Task<string> Run(IObjectContext state)").Replace("[Service]", "[VirtualObject]"),
            [ClockFix.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0).WithArguments("DateTime.UtcNow", "Svc.Run → stamp")],
            Handler("""
                Func<Task<DateTime>> stamp = async () => (await state.NowAsync()).UtcDateTime;
                return (await stamp()).ToString();
                """, "public async Task<string> Run(IObjectContext state)").Replace("[Service]", "[VirtualObject]"));
    }

    [Test]
    public async Task GuidBecomesContextNewGuid()
    {
        await GuidFix.VerifyAsync(
            Handler("return {|#0:Guid.NewGuid()|}.ToString();", "public Task<string> Run(IContext ctx)").Replace("return {|#0", "return Task.FromResult({|#0").Replace(".ToString();", ".ToString());"),
            [GuidFix.Diagnostic(RuleIds.NonDeterministicGuid).WithLocation(0).WithArguments("Guid.NewGuid", "Svc.Run")],
            Handler("return ctx.NewGuid().ToString();", "public Task<string> Run(IContext ctx)").Replace("return ctx", "return Task.FromResult(ctx").Replace(".ToString();", ".ToString());"));
    }

    [TestCase("var n = {|#0:Random.Shared|}.Next(10);", "var n = ctx.Random.Next(10);", "Random.Shared")]
    [TestCase("var n = {|#0:new Random()|}.Next(1, 7);", "var n = ctx.Random.Next(1, 7);", "new Random()")]
    [TestCase("var n = {|#0:Random.Shared|}.NextDouble();", "var n = ctx.Random.NextDouble();", "Random.Shared")]
    public async Task RandomBecomesContextRandom(string body, string fixedBody, string api)
    {
        await RandomFix.VerifyAsync(
            Handler(body + " return n.ToString();"),
            [RandomFix.Diagnostic(RuleIds.NonDeterministicRandom).WithLocation(0).WithArguments(api, "Svc.Run")],
            Handler(fixedBody + " return n.ToString();"));
    }

    [Test]
    public async Task RandomMemberDurableRandomLacksHasNoFix()
    {
        var source = Handler("var n = {|#0:Random.Shared|}.Next(); return n.ToString();");
        await RandomFix.VerifyAsync(source, [RandomFix.Diagnostic(RuleIds.NonDeterministicRandom).WithLocation(0).WithArguments("Random.Shared", "Svc.Run")], source);
    }

    [TestCase("await {|#0:Task.Delay(TimeSpan.FromSeconds(5))|};", "await ctx.SleepAsync(TimeSpan.FromSeconds(5));", "Task.Delay")]
    [TestCase("await {|#0:Task.Delay(250, CancellationToken.None)|};", "await ctx.SleepAsync(System.TimeSpan.FromMilliseconds(250));", "Task.Delay")]
    [TestCase("{|#0:Thread.Sleep(100)|};", "await ctx.SleepAsync(System.TimeSpan.FromMilliseconds(100));", "Thread.Sleep")]
    public async Task DelayBecomesDurableSleep(string body, string fixedBody, string api)
    {
        await DelayFix.VerifyAsync(
            Handler(body + " return \"\";"),
            [DelayFix.Diagnostic(RuleIds.NonDurableDelay).WithLocation(0).WithArguments(api, "Svc.Run")],
            Handler(fixedBody + " return \"\";"));
    }

    [Test]
    public async Task UnusedWhenAnyOverDurableFuturesBecomesContextWhenAny()
    {
        // Task.WhenAll over the same futures is replay-safe: not reported, so left alone.
        await CombinatorFix.VerifyAsync(
            Handler("""
                var a = ctx.RunAsync("a", ct => Task.FromResult(1));
                var b = ctx.SleepAsync(TimeSpan.FromSeconds(1));
                await Task.WhenAll(a.AsTask(), b.AsTask());
                await {|#0:Task.WhenAny(a.AsTask(), b.AsTask())|};
                return "";
                """),
            [
                CombinatorFix.Diagnostic(RuleIds.TaskCombinatorOverDurableFutures).WithLocation(0).WithArguments("Task.WhenAny", "Svc.Run", "WhenAny"),
            ],
            Handler("""
                var a = ctx.RunAsync("a", ct => Task.FromResult(1));
                var b = ctx.SleepAsync(TimeSpan.FromSeconds(1));
                await Task.WhenAll(a.AsTask(), b.AsTask());
                await ctx.WhenAny(a, b);
                return "";
                """));
    }

    [Test]
    public async Task WaitAnyAndWhenAnyOverNonAsTaskArgumentsHaveNoFix()
    {
        var source = Handler("""
            var a = ctx.RunAsync("a", ct => Task.FromResult(1));
            var b = ctx.RunAsync("b", ct => Task.FromResult(2));
            var tasks = new[] { a.AsTask(), b.AsTask() };
            {|#0:Task.WaitAny(a.AsTask(), b.AsTask())|};
            await {|#1:Task.WhenAny(tasks)|};
            return "";
            """);
        await CombinatorFix.VerifyAsync(source,
            [
                CombinatorFix.Diagnostic(RuleIds.TaskCombinatorOverDurableFutures).WithLocation(0).WithArguments("Task.WaitAny", "Svc.Run", "WhenAny"),
                CombinatorFix.Diagnostic(RuleIds.TaskCombinatorOverDurableFutures).WithLocation(1).WithArguments("Task.WhenAny", "Svc.Run", "WhenAny"),
            ],
            source);
    }

    [Test]
    public async Task WhenAnyWhoseResultIsUsedHasNoFix()
    {
        var source = Handler("""
            var a = ctx.RunAsync("a", ct => Task.FromResult(1));
            var b = ctx.RunAsync("b", ct => Task.FromResult(2));
            var first = await {|#0:Task.WhenAny(a.AsTask(), b.AsTask())|};
            return first.ToString();
            """);
        await CombinatorFix.VerifyAsync(source, [CombinatorFix.Diagnostic(RuleIds.TaskCombinatorOverDurableFutures).WithLocation(0).WithArguments("Task.WhenAny", "Svc.Run", "WhenAny")], source);
    }

    [Test]
    public async Task AwaitedIoIsWrappedInRunAsync()
    {
        await WrapFix.VerifyAsync(
            Handler("""
                var page = await {|#0:_http.GetStringAsync("https://example.org")|};
                return page;
                """),
            [WrapFix.Diagnostic(RuleIds.IoOutsideStep).WithLocation(0).WithArguments("HttpClient.GetStringAsync", "Svc.Run")],
            Handler("""
                var page = await ctx.RunAsync("HttpClient.GetStringAsync", async ct => await _http.GetStringAsync("https://example.org"));
                return page;
                """));
    }

    [Test]
    public async Task SynchronousIoIsWrappedInRunAsync()
    {
        await WrapFix.VerifyAsync(
            Handler("""
                var text = {|#0:System.IO.File.ReadAllText("a.txt")|};
                {|#1:System.IO.File.WriteAllText("b.txt", text)|};
                return text;
                """),
            [
                WrapFix.Diagnostic(RuleIds.IoOutsideStep).WithLocation(0).WithArguments("File.ReadAllText", "Svc.Run"),
                WrapFix.Diagnostic(RuleIds.IoOutsideStep).WithLocation(1).WithArguments("File.WriteAllText", "Svc.Run"),
            ],
            Handler("""
                var text = await ctx.RunAsync("File.ReadAllText", ct => System.Threading.Tasks.Task.FromResult(System.IO.File.ReadAllText("a.txt")));
                await ctx.RunAsync("File.WriteAllText", ct => { System.IO.File.WriteAllText("b.txt", text); return System.Threading.Tasks.Task.CompletedTask; });
                return text;
                """));
    }

    [Test]
    public async Task DisposableIoResultHasNoFix()
    {
        var source = Handler("""
            using var stream = {|#0:new System.IO.FileStream("a", System.IO.FileMode.Open)|};
            return stream.Length.ToString();
            """);
        await WrapFix.VerifyAsync(source, [WrapFix.Diagnostic(RuleIds.IoOutsideStep).WithLocation(0).WithArguments("new FileStream()", "Svc.Run")], source);
    }
}
