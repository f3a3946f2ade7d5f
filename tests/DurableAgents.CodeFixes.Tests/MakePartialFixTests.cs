using DurableAgents.Analyzers;
using Fix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Declaration.DeclarationAnalyzer, DurableAgents.CodeFixes.MakePartialFixer>;

namespace DurableAgents.CodeFixes.Tests;

public class MakePartialFixTests
{
    [Test]
    public async Task ClassBecomesPartial()
    {
        await Fix.VerifyAsync(
            """
            [Service]
            public sealed class {|#0:Greeter|}
            {
                [Handler] public Task Greet(IContext ctx) => Task.CompletedTask;
            }
            """,
            [Fix.Diagnostic(RuleIds.DurableClassMustBePartial).WithLocation(0).WithArguments("Greeter", "Service", "it")],
            """
            [Service]
            public sealed partial class Greeter
            {
                [Handler] public Task Greet(IContext ctx) => Task.CompletedTask;
            }
            """);
    }

    [Test]
    public async Task ContainingTypesBecomePartialToo()
    {
        await Fix.VerifyAsync(
            """
            static class Outer
            {
                [VirtualObject]
                class {|#0:Inner|}
                {
                    [Handler] public Task Run(IObjectContext ctx) => Task.CompletedTask;
                }
            }
            """,
            [Fix.Diagnostic(RuleIds.DurableClassMustBePartial).WithLocation(0).WithArguments("Inner", "VirtualObject", "it")],
            """
            static partial class Outer
            {
                [VirtualObject]
                partial class Inner
                {
                    [Handler] public Task Run(IObjectContext ctx) => Task.CompletedTask;
                }
            }
            """);
    }
}
