using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Declaration.UndeclaredToolAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Declaration;

/// <summary>DA1010: a [Description] method named in the agent's instructions but not marked [DurableTool].</summary>
public class UndeclaredToolTests
{
    [Test]
    public async Task DescribedMethodNamedInTheInstructionsWithoutDurableToolIsReported()
    {
        await VerifyCS.VerifyAsync("""
            using System.ComponentModel;
            using DurableAgents.Agents;

            [DurableAgent]
            [AgentInstructions("Use look_up_order to find the order, then call RefundOrder if the customer asks.")]
            public partial class Support
            {
                [Description("Finds an order by id.")]
                public static Task<string> {|#0:LookUpOrderAsync|}(string id) => Task.FromResult("shipped");

                [Description("Refunds an order.")]
                public static Task<string> {|#1:RefundOrder|}(string id) => Task.FromResult("refunded");
            }
            """,
            VerifyCS.Diagnostic(RuleIds.DescribedMethodNotTool).WithLocation(0).WithArguments("LookUpOrderAsync", "Support", "look_up_order"),
            VerifyCS.Diagnostic(RuleIds.DescribedMethodNotTool).WithLocation(1).WithArguments("RefundOrder", "Support", "RefundOrder"));
    }

    [Test]
    public async Task ToolsUnnamedMethodsUndescribedMethodsAndPartialWordsAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            using System.ComponentModel;
            using DurableAgents.Agents;

            [DurableAgent]
            [AgentInstructions("Use look_up_order first. Never mention lookup_orders_archive or format.")]
            public partial class Support
            {
                [DurableTool, Description("Finds an order by id.")]
                public static Task<string> LookUpOrderAsync(string id) => Task.FromResult("shipped");

                [Description("Archived orders.")]
                public static Task<string> LookupOrders(string id) => Task.FromResult("none");

                public static string Format(string text) => text;

                [Description("Not named anywhere.")]
                public static string Summarize(string text) => text;
            }

            public class NotAnAgent
            {
                [Description("Finds an order by id.")]
                public static string LookUpOrder(string id) => id;
            }
            """);
    }

    [Test]
    public async Task AnAgentWithoutInstructionsIsNotChecked()
    {
        await VerifyCS.VerifyAsync("""
            using System.ComponentModel;

            [DurableAgent]
            public partial class Support
            {
                [Description("Finds an order by id.")]
                public static string LookUpOrder(string id) => id;
            }
            """);
    }
}
