using static DurableAgents.Analyzers.Tests.JournalLock.JournalLockVerifier;

namespace DurableAgents.Analyzers.Tests.JournalLock;

/// <summary>DA4001–DA4005: version 2 of the code against the lock written from version 1.</summary>
public class JournalLockAnalyzerTests
{
    private const string Receipt = """

        public sealed record Receipt(string Id, long Cents);
        """;

    private static string Orders(string body, string extra = "") => """
        [Service]
        public partial class Orders
        {
            [Handler]
            public async Task<string> {|#9:CheckoutAsync|}(IContext ctx, string order)
            {
        """ + body + """

                return order;
            }
        """ + extra + """

        }
        """ + Receipt;

    private const string V1 = """
                await ctx.RunAsync("validate", _ => Task.FromResult(order.Length));
                var receipt = await ctx.RunAsync("charge", _ => Task.FromResult(new Receipt(order, 100)));
                await ctx.SleepAsync(TimeSpan.FromSeconds(1));
        """;

    private static readonly string Lock = LockOf(Orders(V1));

    [Test]
    public void TheLockIsWhatTheUpdateBuildWrites()
    {
        Assert.That(Lock, Does.StartWith("# DurableAgents journal lock v1"));
        Assert.That(Lock, Does.Contain("handler Orders/checkout\n  run \"validate\" -> Int32@").And.Contain("  run \"charge\" -> Receipt@").And.EndWith("  sleep\n"));
    }

    [Test]
    public Task UnchangedCodeIsClean() => VerifyAsync(Orders(V1), Lock);

    [Test]
    public Task ABodyEditThatKeepsTheJournalIsClean() => VerifyAsync(Orders(V1.Replace("order.Length", "order.Trim().Length", StringComparison.Ordinal)), Lock);

    [Test]
    public async Task RenamedStep()
    {
        var hash = Lock.Split('\n').Single(l => l.Contains("\"charge\"", StringComparison.Ordinal)).Split('@')[1];
        await VerifyAsync(
            Orders(V1.Replace("var receipt = await ctx.RunAsync(\"charge\", _ => Task.FromResult(new Receipt(order, 100)));",
                "var receipt = await {|#0:ctx.RunAsync(\"charge-card\", _ => Task.FromResult(new Receipt(order, 100)))|};", StringComparison.Ordinal)),
            Lock,
            Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "2", $"run \"charge\" -> Receipt@{hash}", $"run \"charge-card\" -> Receipt@{hash}", "renamed"));
    }

    [Test]
    public Task RemovedLastStepIsReportedOnTheHandler() => VerifyAsync(
        Orders(V1.Replace("await ctx.SleepAsync(TimeSpan.FromSeconds(1));", "", StringComparison.Ordinal)),
        Lock,
        Diagnostic("DA4001").WithLocation(9).WithArguments("Orders/checkout", "3", "sleep", "nothing", "removed"));

    [Test]
    public Task RemovedMiddleStep() => VerifyAsync(
        Orders("""
                    await ctx.RunAsync("validate", _ => Task.FromResult(order.Length));
                    await {|#0:ctx.SleepAsync(TimeSpan.FromSeconds(1))|};
            """),
        Lock,
        Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "2", Line("charge"), "sleep", "removed"));

    [Test]
    public Task ReorderedSteps() => VerifyAsync(
        Orders("""
                    var receipt = await {|#0:ctx.RunAsync("charge", _ => Task.FromResult(new Receipt(order, 100)))|};
                    await ctx.RunAsync("validate", _ => Task.FromResult(order.Length));
                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            """),
        Lock,
        Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "1", Line("validate"), Line("charge"), "reordered"));

    [Test]
    public Task InsertedStep() => VerifyAsync(
        Orders("""
                    await {|#0:ctx.RunAsync("audit", _ => Task.CompletedTask)|};
            """ + "\n" + V1),
        Lock,
        Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "1", Line("validate"), "run \"audit\"", "inserted before it"));

    [Test]
    public Task KindChanged() => VerifyAsync(
        Orders(V1.Replace("await ctx.SleepAsync(TimeSpan.FromSeconds(1));", "await {|#0:ctx.NowAsync()|};", StringComparison.Ordinal)),
        Lock,
        Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "3", "sleep", "now", "kind changed"));

    [Test]
    public async Task ResultContractChanged()
    {
        var v2 = Orders(V1.Replace("var receipt = await ctx.RunAsync", "var receipt = await {|#0:ctx.RunAsync", StringComparison.Ordinal)
            .Replace("new Receipt(order, 100)))", "new Receipt(order, 100)))|}", StringComparison.Ordinal))
            .Replace("new Receipt(order, 100)", "new Receipt(order, 100, \"EUR\")", StringComparison.Ordinal)
            .Replace("public sealed record Receipt(string Id, long Cents);", "public sealed record Receipt(string Id, long Cents, string Currency);", StringComparison.Ordinal);
        var changed = LockOf(v2).Split('\n').Single(l => l.Contains("\"charge\"", StringComparison.Ordinal)).Trim();
        Assert.That(changed, Is.Not.EqualTo(Line("charge")));
        await VerifyAsync(v2, Lock, Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "2", Line("charge"), changed, "result contract changed"));
    }

    [Test]
    public async Task RenamedResultTypeWithTheSameContractIsCompatible()
    {
        var v2 = Orders(V1.Replace("var receipt = await ctx.RunAsync", "var receipt = await {|#0:ctx.RunAsync", StringComparison.Ordinal)
            .Replace("new Receipt(order, 100)))", "new Receipt(order, 100)))|}", StringComparison.Ordinal))
            .Replace("Receipt", "Payment", StringComparison.Ordinal);
        await VerifyAsync(v2, Lock, Diagnostic("DA4003").WithLocation(0).WithArguments("Orders/checkout", "type renamed, same JSON contract", Line("charge").Replace("Receipt@", "Payment@", StringComparison.Ordinal)));
    }

    [Test]
    public Task AppendedStepIsCompatible() => VerifyAsync(
        Orders(V1 + "\n        await {|#0:ctx.RunAsync(\"notify\", _ => Task.CompletedTask)|};"),
        Lock,
        Diagnostic("DA4003").WithLocation(0).WithArguments("Orders/checkout", "appended after the last locked entry", "run \"notify\""));

    [Test]
    public Task StepAppendedInsideANewBranchIsStillAppended() => VerifyAsync(
        Orders(V1 + "\n        {|#0:if (order.Length > 3) { await ctx.RunAsync(\"notify\", _ => Task.CompletedTask); }|}"),
        Lock,
        Diagnostic("DA4003").WithLocation(0).WithArguments("Orders/checkout", "appended after the last locked entry", "if"));

    [Test]
    public Task NewHandlerIsCompatible() => VerifyAsync(
        Orders(V1, """

                [Handler]
                public Task<int> {|#0:CountAsync|}(IContext ctx) => ctx.RunAsync("count", _ => Task.FromResult(1)).AsTask();
            """),
        Lock,
        Diagnostic("DA4003").WithLocation(0).WithArguments("Orders/count", "new handler", "handler Orders/count"));

    [Test]
    public Task RemovedHandlerIsReportedOnTheLockLine() => VerifyAsync(
        """
        [Service]
        public partial class Other
        {
            [Handler]
            public Task PingAsync(IContext ctx) => Task.CompletedTask;
        }
        """,
        LockOf("""
            [Service]
            public partial class Other
            {
                [Handler]
                public Task PingAsync(IContext ctx) => Task.CompletedTask;
            }
            """) + "handler Orders/checkout\n  sleep\n",
        Diagnostic("DA4002").WithSpan(LockName, 4, 1, 4, 24).WithArguments("Orders/checkout", "no longer exists", "handler Orders/checkout", "nothing"));

    [Test]
    public Task StepRenamedInAHelperIsReportedInTheHelper() => VerifyAsync(
        Orders("        await Steps.ChargeAsync(ctx, order);", """

                private static class Steps
                {
                    public static async Task ChargeAsync(IContext ctx, string order) => await {|#0:ctx.RunAsync("charge-v2", _ => Task.FromResult(order))|};
                }
            """),
        LockOf(Orders("        await Steps.ChargeAsync(ctx, order);", """

                private static class Steps
                {
                    public static async Task ChargeAsync(IContext ctx, string order) => await ctx.RunAsync("charge", _ => Task.FromResult(order));
                }
            """)),
        Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "1", "run \"charge\" -> String@17c16538", "run \"charge-v2\" -> String@17c16538", "renamed"));

    [Test]
    public Task NoLockFileReportsNoChange() => VerifyAsync(
        Orders(V1.Replace("\"charge\"", "\"charge-card\"", StringComparison.Ordinal)),
        lockText: null);

    [TestCase("update")]
    [TestCase("off")]
    [TestCase("Update")]
    public Task UpdateAndOffModesReportNothing(string mode) => VerifyAsync(
        Orders(V1.Replace("\"charge\"", "\"charge-card\"", StringComparison.Ordinal) + "\n        await ctx.RunAsync($\"x{order}\", _ => Task.CompletedTask);"),
        Lock,
        mode);

    [Test]
    public Task AnyOtherModeCompares() => VerifyAsync(
        Orders(V1.Replace("await ctx.SleepAsync(TimeSpan.FromSeconds(1));", "await {|#0:ctx.NowAsync()|};", StringComparison.Ordinal)),
        Lock,
        "check",
        Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "3", "sleep", "now", "kind changed"));

    private const string Batch = """
    [Service]
    public partial class Batch
    {
        private static string Prefix() => "p";

        [Handler]
        public async Task RunAsync(IContext ctx, string[] items)
        {
            foreach (var item in items)
            {
                await ctx.RunAsync({|#0:$"item:{item}"|}, _ => Task.CompletedTask);
                await ctx.RunAsync({|#1:"step-" + item|}, _ => Task.CompletedTask);
            }

            await ctx.RunAsync({|#2:Prefix()|}, _ => Task.CompletedTask);
            await ctx.RunAsync(Name, _ => Task.CompletedTask);
            await ctx.SleepAsync(TimeSpan.FromSeconds(1), {|#3:items[0]|});
        }

        private const string Name = "constant";
    }
    """;

    [Test]
    public Task NonConstantStepNamesWarnWhenThereIsALock() => VerifyAsync(
        Batch,
        LockOf(Batch),
        Diagnostic("DA4004").WithLocation(0).WithArguments("$\"item:{item}\"", "item:{item}"),
        Diagnostic("DA4004").WithLocation(1).WithArguments("\"step-\" + item", "step-{item}"),
        Diagnostic("DA4004").WithLocation(2).WithArguments("Prefix()", "*"),
        Diagnostic("DA4004").WithLocation(3).WithArguments("items[0]", "*"));

    [Test]
    public Task WithoutALockNothingIsReported() => VerifyAsync(Batch, lockText: null);

    [Test]
    public Task MalformedLockIsReportedOnItsLine() => VerifyAsync(
        Orders(V1.Replace("\"charge\"", "\"charge-card\"", StringComparison.Ordinal)),
        Lock.Replace("  sleep\n", "   sleep\n", StringComparison.Ordinal),
        Diagnostic("DA4005").WithSpan(LockName, 6, 1, 6, 9).WithArguments("6", "indentation is not a multiple of two spaces"));

    [Test]
    public Task LockWithAnUnclosedBlockIsMalformed() => VerifyAsync(
        Orders(V1),
        Lock.Replace("  sleep\n", "  loop\n    sleep\n", StringComparison.Ordinal),
        Diagnostic("DA4005").WithSpan(LockName, 7, 1, 7, 10).WithArguments("7", "'Orders/checkout' has an unclosed 'loop' block"));

    private static string Line(string step) => Lock.Split('\n').Single(l => l.Contains("\"" + step + "\"", StringComparison.Ordinal)).Trim();
}
