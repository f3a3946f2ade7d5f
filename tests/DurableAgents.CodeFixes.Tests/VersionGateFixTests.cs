using DurableAgents.Analyzers.JournalLock;
using DurableAgents.Analyzers.Tests.Verifiers;
using DurableAgents.Generator.Journal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace DurableAgents.CodeFixes.Tests;

/// <summary>"Keep the old journal for in-flight runs (version gate)" on DA4001 renamed steps.</summary>
public class VersionGateFixTests
{
    private const string LockName = "DurableAgents.journal.lock";

    private static string Payments(string body) => """
        [Service]
        public partial class Payments
        {
            [Handler]
            public async Task<string> ChargeAsync(IContext ctx, string card)
            {
                await ctx.RunAsync("validate", _ => Task.CompletedTask);
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static string LockOf(string source)
    {
        var compilation = CSharpCompilation.Create(
            "Locked",
            [CSharpSyntaxTree.ParseText(TestSources.Usings + source)],
            TestSources.WithRuntime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        return LockFile.Format(ManifestBuilder.ForCompilation(compilation, CancellationToken.None));
    }

    private static DiagnosticResult Diagnostic(string id) => new(Analyzers.DiagnosticDescriptors.All.Single(d => d.Id == id));

    private static async Task VerifyAsync(string lockText, string source, DiagnosticResult expected, string fixedSource, params DiagnosticResult[] remaining)
    {
        var test = new CSharpCodeFixTest<JournalLockAnalyzer, VersionGateFixer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + source,
            FixedCode = TestSources.Usings + fixedSource,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.FixedState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.TestState.AdditionalFiles.Add((LockName, lockText));
        test.FixedState.AdditionalFiles.Add((LockName, lockText));
        test.ExpectedDiagnostics.Add(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(source == fixedSource ? [expected] : remaining);
        await test.RunAsync(CancellationToken.None);
    }

    private static readonly string Lock = LockOf(Payments("""
                var receipt = await ctx.RunAsync("charge", _ => Task.FromResult(card));
                return receipt;
        """));

    [Test]
    public Task RenamedStepInADeclarationIsGatedWithTheLocalHoisted() => VerifyAsync(
        Lock,
        Payments("""
                    var receipt = await {|#0:ctx.RunAsync("charge-card", _ => Task.FromResult(card))|};
                    return receipt;
            """),
        Diagnostic("DA4001").WithLocation(0).WithArguments("Payments/charge", "2", "run \"charge\" -> String@17c16538", "run \"charge-card\" -> String@17c16538", "renamed"),
        Payments("""
                    string receipt;
                    {|#0:if (ctx.IsPatched("charge-card"))
                    {
                        receipt = await ctx.RunAsync("charge-card", _ => Task.FromResult(card));
                    }
                    else
                    {
                        receipt = await ctx.RunAsync("charge", _ => Task.FromResult(card));
                    }|}
                    return receipt;
            """),
        Diagnostic("DA4003").WithLocation(0).WithArguments("Payments/charge", "version gate keeps the locked entries", "patch \"charge-card\""));

    [Test]
    public Task RenamedStepStatementIsGated()
    {
        var lockText = LockOf(Payments("""
                    await ctx.RunAsync("charge", _ => Task.FromResult(card));
                    return card;
            """));
        return VerifyAsync(
            lockText,
            Payments("""
                        await {|#0:ctx.RunAsync("charge-card", _ => Task.FromResult(card))|};
                        return card;
                """),
            Diagnostic("DA4001").WithLocation(0).WithArguments("Payments/charge", "2", "run \"charge\" -> String@17c16538", "run \"charge-card\" -> String@17c16538", "renamed"),
            Payments("""
                        {|#0:if (ctx.IsPatched("charge-card"))
                        {
                            await ctx.RunAsync("charge-card", _ => Task.FromResult(card));
                        }
                        else
                        {
                            await ctx.RunAsync("charge", _ => Task.FromResult(card));
                        }|}
                        return card;
                """),
            Diagnostic("DA4003").WithLocation(0).WithArguments("Payments/charge", "version gate keeps the locked entries", "patch \"charge-card\""));
    }

    [Test]
    public Task NoGateForAChangeOfKind()
    {
        var source = Payments("""
                    await {|#0:ctx.SleepAsync(TimeSpan.FromSeconds(1))|};
                    return card;
            """);
        return VerifyAsync(
            Lock,
            source,
            Diagnostic("DA4001").WithLocation(0).WithArguments("Payments/charge", "2", "run \"charge\" -> String@17c16538", "sleep", "kind changed"),
            source);
    }
}
