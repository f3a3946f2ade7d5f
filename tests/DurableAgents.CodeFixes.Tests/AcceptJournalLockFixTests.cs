using DurableAgents.Analyzers.JournalLock;
using DurableAgents.Generator.Journal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using DurableAgents.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace DurableAgents.CodeFixes.Tests;

/// <summary>"Accept into DurableAgents.journal.lock" rewrites the lock additional document from the current code.</summary>
public class AcceptJournalLockFixTests
{
    private const string LockName = "DurableAgents.journal.lock";

    private static string Orders(string step) => """
        [Service]
        public partial class Orders
        {
            [Handler]
            public async Task<string> CheckoutAsync(IContext ctx, string order)
            {
                await ctx.RunAsync("validate", _ => Task.FromResult(order.Length));
                await {|#0:ctx.RunAsync("
        """ + step + """
        ", _ => Task.FromResult(order))|};
                return order;
            }
        }
        """;

    /// <summary>The lock the update build writes for <paramref name="source"/>.</summary>
    private static string LockOf(string source)
    {
        var compilation = CSharpCompilation.Create(
            "Locked",
            [CSharpSyntaxTree.ParseText(TestSources.Usings + source.Replace("{|#0:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal))],
            TestSources.WithRuntime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        return LockFile.Format(ManifestBuilder.ForCompilation(compilation, CancellationToken.None));
    }

    private static DiagnosticResult Diagnostic(string id) => new(Analyzers.DiagnosticDescriptors.All.Single(d => d.Id == id));

    private static async Task VerifyAsync(string source, string oldLock, DiagnosticResult expected, string fixedLock)
    {
        var test = new CSharpCodeFixTest<JournalLockAnalyzer, AcceptJournalLockFixer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + source,
            FixedCode = TestSources.Usings + source,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.FixedState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.TestState.AdditionalFiles.Add((LockName, oldLock));
        test.FixedState.AdditionalFiles.Add((LockName, fixedLock));
        test.ExpectedDiagnostics.Add(expected);
        await test.RunAsync(CancellationToken.None);
    }

    [Test]
    public async Task AcceptingARenameRewritesTheLock()
    {
        var oldLock = LockOf(Orders("charge"));
        var newLock = LockOf(Orders("charge-card"));
        Assert.That(newLock, Is.Not.EqualTo(oldLock).And.Contain("run \"charge-card\" -> String@17c16538"));
        await VerifyAsync(Orders("charge-card"), oldLock,
            Diagnostic("DA4001").WithLocation(0).WithArguments("Orders/checkout", "2", "run \"charge\" -> String@17c16538", "run \"charge-card\" -> String@17c16538", "renamed"),
            newLock);
    }

    [Test]
    public async Task AcceptingAnAppendedStepRewritesTheLock()
    {
        var v1 = """
            [Service]
            public partial class Orders
            {
                [Handler]
                public async Task CheckoutAsync(IContext ctx) => await ctx.RunAsync("validate", _ => Task.CompletedTask);
            }
            """;
        var v2 = v1.Replace("=> await ctx.RunAsync(\"validate\", _ => Task.CompletedTask);",
            "{ await ctx.RunAsync(\"validate\", _ => Task.CompletedTask); await {|#0:ctx.SleepAsync(TimeSpan.FromSeconds(1))|}; }", StringComparison.Ordinal);
        await VerifyAsync(v2, LockOf(v1),
            Diagnostic("DA4003").WithLocation(0).WithArguments("Orders/checkout", "appended after the last locked entry", "sleep"),
            LockOf(v2));
    }
}
