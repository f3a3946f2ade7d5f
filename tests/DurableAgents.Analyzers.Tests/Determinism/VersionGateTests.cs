using VerifyDeterminism = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;
using VerifyContext = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Context.ContextUsageAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// <c>ctx.IsPatched</c> is a journaled, deterministic version gate: branching on it in a handler is not a replay hazard.
/// Each source also holds a real hazard, so a test passes only when the analyzer ran and skipped the gate.
/// </summary>
public class VersionGateTests
{
    private const string GatedHandler = """
        [Service]
        public partial class Checkout
        {
            [Handler]
            public async Task<string> Process(IContext ctx, string order)
            {
                string charged;
                if (ctx.IsPatched("charge-card"))
                {
                    charged = await ctx.RunAsync("charge-card", _ => Task.FromResult("card-" + order));
                }
                else
                {
                    charged = await ctx.RunAsync("charge", _ => Task.FromResult(order));
                }

                var label = ctx.IsPatched("label") ? "v2" : "v1";
                return charged + label + {|#0:DateTime.UtcNow|};
            }
        }
        """;

    [Test]
    public async Task The_determinism_rules_do_not_flag_a_gate_in_a_handler()
    {
        await VerifyDeterminism.VerifyAsync(GatedHandler,
            VerifyDeterminism.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0).WithArguments("DateTime.UtcNow", "Checkout.Process"));
    }

    [Test]
    public async Task The_context_rules_do_not_flag_a_gate_in_a_handler_but_do_inside_a_step()
    {
        await VerifyContext.VerifyAsync("""
            [Service]
            public partial class Checkout
            {
                [Handler]
                public async Task<bool> Process(IContext ctx, string order)
                {
                    if (ctx.IsPatched("charge-card"))
                    {
                        await ctx.RunAsync("charge-card", _ => Task.FromResult(order));
                    }

                    return await ctx.RunAsync("check", _ => Task.FromResult({|#0:ctx.IsPatched("inside")|}));
                }
            }
            """,
            VerifyContext.Diagnostic(RuleIds.ContextUsedInsideStep).WithLocation(0).WithArguments("ctx.IsPatched"));
    }
}
