using DurableAgents.Analyzers.JournalLock;
using DurableAgents.Analyzers.Tests.Verifiers;
using DurableAgents.Generator.Journal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace DurableAgents.Analyzers.Tests.JournalLock;

/// <summary>
/// Runs <see cref="JournalLockAnalyzer"/> with a <c>DurableAgents.journal.lock</c> AdditionalFile. Locks are written
/// the way the update build writes them: from "version 1" of the code, by the shared manifest code.
/// </summary>
public static class JournalLockVerifier
{
    public const string LockName = "DurableAgents.journal.lock";

    public static DiagnosticResult Diagnostic(string id) => AnalyzerVerifier<JournalLockAnalyzer>.Diagnostic(id);

    /// <summary>The lock the update build writes for <paramref name="source"/> (prefixed with the usual usings).</summary>
    public static string LockOf(string source)
    {
        var markupFree = System.Text.RegularExpressions.Regex.Replace(source, @"\{\|#\d+:|\|\}", "");
        var compilation = CSharpCompilation.Create(
            "Locked",
            [CSharpSyntaxTree.ParseText(TestSources.Usings + markupFree)],
            TestSources.WithRuntime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty, "version 1 compiles");
        return LockFile.Format(ManifestBuilder.ForCompilation(compilation, CancellationToken.None));
    }

    /// <summary>Verifies <paramref name="source"/> against <paramref name="lockText"/> (null: no lock file) in build mode <paramref name="mode"/>.</summary>
    public static async Task VerifyAsync(string source, string? lockText, string? mode, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<JournalLockAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + source,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        if (lockText is not null)
        {
            test.TestState.AdditionalFiles.Add((LockName, lockText));
        }

        if (mode is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.DurableAgentsJournalLock = " + mode + "\n"));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(CancellationToken.None);
    }

    public static Task VerifyAsync(string source, string? lockText, params DiagnosticResult[] expected) => VerifyAsync(source, lockText, null, expected);
}
