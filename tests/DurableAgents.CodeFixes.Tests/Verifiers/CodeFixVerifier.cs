using DurableAgents.Analyzers;
using DurableAgents.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace DurableAgents.CodeFixes.Tests.Verifiers;

/// <summary>Runs an analyzer and a code fix over sources that reference the real DurableAgents runtime.</summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>An expected diagnostic for a rule id (the determinism analyzer has two descriptors per id).</summary>
    public static DiagnosticResult Diagnostic(string id) => new(DiagnosticDescriptors.All.Single(d => d.Id == id));

    /// <summary>
    /// Verifies <paramref name="source"/> reports <paramref name="expected"/> and that the fix turns it into
    /// <paramref name="fixedSource"/>, on which only <paramref name="remaining"/> are reported. When the two sources are
    /// equal, the test asserts that no fix is offered.
    /// </summary>
    public static Task VerifyAsync(string source, DiagnosticResult[] expected, string fixedSource, params DiagnosticResult[] remaining) =>
        VerifyAsync(source, expected, fixedSource, CodeFixTestBehaviors.None, remaining);

    /// <summary>
    /// Verifies that one Fix All (in the document, the project and the solution) turns <paramref name="source"/>, which has
    /// several occurrences, into <paramref name="fixedSource"/> in a single pass, and that fixing them one by one takes one
    /// iteration per occurrence and ends at the same code.
    /// </summary>
    public static async Task VerifyFixAllAsync(string source, DiagnosticResult[] expected, string fixedSource)
    {
        Assert.That(expected, Has.Length.GreaterThan(1), "a Fix All test needs several occurrences");
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + source,
            FixedCode = TestSources.Usings + fixedSource,
            NumberOfFixAllIterations = 1,
            NumberOfFixAllInDocumentIterations = 1,
            NumberOfFixAllInProjectIterations = 1,
            NumberOfIncrementalIterations = expected.Length,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.FixedState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    /// <summary>
    /// As <see cref="VerifyAsync(string, DiagnosticResult[], string, DiagnosticResult[])"/>. Helper diagnostics (reached through the call graph) are reported at compilation end, which the testing
    /// library calls non-local; <see cref="CodeFixTestBehaviors.SkipLocalDiagnosticCheck"/> lets a test cover them.
    /// </summary>
    public static async Task VerifyAsync(string source, DiagnosticResult[] expected, string fixedSource, CodeFixTestBehaviors behaviors, params DiagnosticResult[] remaining)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + source,
            FixedCode = TestSources.Usings + fixedSource,
            CodeFixTestBehaviors = behaviors,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.FixedState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(remaining);
        if (source == fixedSource)
        {
            test.FixedState.ExpectedDiagnostics.AddRange(expected);
        }

        await test.RunAsync(CancellationToken.None);
    }
}
