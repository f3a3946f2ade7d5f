using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace DurableAgents.Analyzers.Tests.Verifiers;

/// <summary>Runs an analyzer over sources that reference the real DurableAgents runtime (or not).</summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>
    /// An expected diagnostic for a rule id. (The determinism analyzer supports two descriptors per id, a live one and a
    /// compilation-end one, so the testing library's own lookup by id is ambiguous.)
    /// </summary>
    public static DiagnosticResult Diagnostic(string id) =>
        new(DiagnosticDescriptors.All.Single(d => d.Id == id));

    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(descriptor);

    /// <summary>Verifies <paramref name="source"/> (prefixed with <see cref="TestSources.Usings"/>) reports exactly <paramref name="expected"/>.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAsync(source, withAiStub: false, withRuntime: true, expected);

    public static Task VerifyWithAiAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAsync(source, withAiStub: true, withRuntime: true, expected);

    public static Task VerifyWithoutRuntimeAsync(string source, params DiagnosticResult[] expected) =>
        VerifyAsync(source, withAiStub: false, withRuntime: false, expected);

    /// <summary>As <see cref="VerifyAsync(string, DiagnosticResult[])"/>, with extra references (the real Microsoft.Extensions.AI, a library).</summary>
    public static Task VerifyWithReferencesAsync(string source, IEnumerable<MetadataReference> references, params DiagnosticResult[] expected) =>
        VerifyAsync(source, withAiStub: false, withRuntime: true, expected, references);

    private static async Task VerifyAsync(string source, bool withAiStub, bool withRuntime, DiagnosticResult[] expected, IEnumerable<MetadataReference>? references = null)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = (withRuntime ? TestSources.Usings : TestSources.Usings.Replace("using DurableAgents;", "")) + source,
        };
        test.TestState.AdditionalReferences.AddRange(withRuntime ? TestSources.WithRuntime : TestSources.WithoutRuntime);
        test.TestState.AdditionalReferences.AddRange(references ?? []);
        if (withAiStub)
        {
            test.TestState.Sources.Add(("MicrosoftExtensionsAi.cs", TestSources.MicrosoftExtensionsAiStub));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }
}
