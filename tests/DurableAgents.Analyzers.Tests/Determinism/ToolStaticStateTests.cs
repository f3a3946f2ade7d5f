using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.ToolStaticStateAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>DA2013: a [DurableTool] body that writes a mutable static.</summary>
public class ToolStaticStateTests
{
    [Test]
    public async Task StaticFieldAndPropertyWritesInAToolAreReported()
    {
        await VerifyCS.VerifyAsync("""
            public static class Stats { public static int Calls; public static string? Last { get; set; } }

            [DurableAgent]
            public partial class Shop
            {
                private static int s_lastOrder;

                [DurableTool(Description = "Places an order.")]
                public static int PlaceOrder(string item)
                {
                    {|#0:s_lastOrder|}++;
                    {|#1:Stats.Last|} = item;
                    Interlocked.Increment(ref {|#2:Stats.Calls|});
                    void Remember() => {|#3:s_lastOrder|} = 0;
                    Remember();
                    return s_lastOrder;
                }

                [DurableTool(Description = "Resets.")]
                public Task Reset() { Func<Task> f = () => { {|#4:Stats.Calls|} += 1; return Task.CompletedTask; }; return f(); }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(0).WithArguments("PlaceOrder", "Shop.s_lastOrder"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(1).WithArguments("PlaceOrder", "Stats.Last"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(2).WithArguments("PlaceOrder", "Stats.Calls"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(3).WithArguments("PlaceOrder", "Shop.s_lastOrder"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(4).WithArguments("Reset", "Stats.Calls"));
    }

    [Test]
    public async Task StaticCollectionChangesInAToolAreReportedButReadsAreNot()
    {
        await VerifyCS.VerifyAsync("""
            using System.Collections.Concurrent;

            [DurableAgent]
            public partial class Shop
            {
                private static readonly List<string> s_names = new();
                private static readonly ConcurrentDictionary<string, int> s_stock = new();
                private static readonly int[] s_counts = new int[2];

                [DurableTool(Description = "Places an order.")]
                public int PlaceOrder(string item)
                {
                    {|#0:s_names|}.Add(item);
                    {|#1:s_stock|}.AddOrUpdate(item, 1, (_, n) => n + 1);
                    {|#2:s_stock|}[item] = 0;
                    {|#3:s_counts|}[0]++;
                    return s_names.Count + s_stock.Count + s_counts[1];
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(0).WithArguments("PlaceOrder", "Shop.s_names"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(1).WithArguments("PlaceOrder", "Shop.s_stock"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(2).WithArguments("PlaceOrder", "Shop.s_stock"),
            VerifyCS.Diagnostic(RuleIds.MutableStaticWriteInTool).WithLocation(3).WithArguments("PlaceOrder", "Shop.s_counts"));
    }

    [Test]
    public async Task InstanceStateLocalsReadonlyStaticsAndNonToolMethodsAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Shop
            {
                private static readonly List<string> s_names = new();
                private static int s_counter;
                private int _orders;

                [DurableTool(Description = "Places an order.")]
                public int PlaceOrder(string item)
                {
                    var local = s_counter + 1;
                    _orders++;
                    local += _orders;
                    return local;
                }

                public void NotATool() => s_counter++;
            }
            """);
    }
}
