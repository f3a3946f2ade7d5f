using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Tests.Corpus;

/// <summary>
/// Issue 16: a corpus of replay-safe, real-world-style handlers (<c>Corpus/Safe/</c>: services, virtual objects,
/// workflows, agents with tools, DI, helpers, LINQ, records, logging) compiled with the generators and every DurableAgents
/// analyzer must produce no compiler error and no DA diagnostic of any severity, except the known false positives
/// listed in <see cref="KnownFalsePositives"/>.
/// </summary>
public class SafeCorpusTests
{
    private const int MinimumHandlers = 60;

    public static IEnumerable<string> CorpusFiles() => CorpusCompilation.FileNames();

    [Test]
    public async Task TheCorpusCompilesWithoutErrorsOrWarnings()
    {
        var run = await CorpusCompilation.RunAsync();
        Assert.That(run.Files, Is.Not.Empty, "corpus files were copied next to the test assembly");
        Assert.That(run.CompilerProblems.Select(Describe), Is.Empty, "compiler, generator and analyzer-failure (AD0001) problems");
    }

    [Test]
    public async Task TheCorpusHasAtLeastSixtyHandlers()
    {
        var run = await CorpusCompilation.RunAsync();
        var handlers = run.Handlers.SelectMany(kv => kv.Value.Select(h => kv.Key + ": " + h)).ToList();
        Assert.That(handlers, Has.Count.GreaterThanOrEqualTo(MinimumHandlers), "[Handler]/[SharedHandler]/[DurableTool] methods bound by the compiler");
        Assert.That(handlers, Is.Unique);
    }

    [Test]
    public async Task EveryDurableAgentsAnalyzerRan()
    {
        var run = await CorpusCompilation.RunAsync();
        Assert.That(run.Analyzers, Is.SupersetOf(new[] { "ContextUsageAnalyzer", "DeclarationAnalyzer", "DeterminismAnalyzer", "JsonMetadataAnalyzer", "ToolStaticStateAnalyzer", "UndeclaredToolAnalyzer" }));
    }

    [TestCaseSource(nameof(CorpusFiles))]
    public async Task AFileGetsNoDiagnosticsButItsKnownFalsePositives(string file)
    {
        var run = await CorpusCompilation.RunAsync();
        var actual = run.DurableAgentsDiagnostics.Where(d => d.Location.SourceTree?.FilePath == file).ToList();
        var expected = KnownFalsePositives.For(file).ToList();

        var unexpected = actual.Where(d => !expected.Contains(ToFinding(d))).Select(Describe).ToList();
        var gone = expected.Where(e => !actual.Select(ToFinding).Contains(e)).Select(e => e.ToString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty, "DA diagnostics in safe code (fix the corpus if the code is really unsafe, else list the false positive in KnownFalsePositives and KNOWN_FALSE_POSITIVES.md)");
            Assert.That(gone, Is.Empty, "listed false positives that are no longer reported (the rule was fixed: remove the entry)");
        });
    }

    [Test]
    public async Task EveryDiagnosticIsInACorpusFileAndEveryListedFileExists()
    {
        var run = await CorpusCompilation.RunAsync();
        Assert.That(run.DurableAgentsDiagnostics.Where(d => !run.Files.Contains(d.Location.SourceTree?.FilePath ?? "")).Select(Describe), Is.Empty,
            "DA diagnostics outside the corpus files (generated code, no location)");
        Assert.That(KnownFalsePositives.All.Select(f => f.File).Distinct().Where(f => !run.Files.Contains(f)), Is.Empty, "known false positives of missing files");
        Assert.That(KnownFalsePositives.All, Is.Unique);
    }

    [Test]
    public async Task AReplayHazardAddedToTheCorpusIsReported()
    {
        // The harness can fail: the same corpus with a clock read moved out of a step gets a DA2001 in that file.
        const string Safe = "var placedAt = await ctx.NowAsync();";
        var (name, text) = CorpusCompilation.ReadCorpus().Single(f => f.Text.Contains(Safe, StringComparison.Ordinal));
        var hazardous = text.Replace(Safe, "var placedAt = DateTimeOffset.UtcNow;", StringComparison.Ordinal);

        // That file alone (it uses no other corpus file), to keep the second compilation small.
        var original = await CorpusCompilation.RunAsync([(name, text)]);
        var run = await CorpusCompilation.RunAsync([(name, hazardous)]);
        Assert.That(original.CompilerProblems.Select(Describe), Is.Empty, name + " compiles on its own");
        Assert.That(original.DurableAgentsDiagnostics.Select(Describe), Is.Empty, name + " has no finding of its own");
        Assert.That(run.DurableAgentsDiagnostics.Select(d => d.Id), Is.EqualTo(new[] { RuleIds.NonDeterministicClock }));
        Assert.That(run.DurableAgentsDiagnostics[0].Severity, Is.EqualTo(DiagnosticSeverity.Warning));
    }

    private static ExpectedFinding ToFinding(Diagnostic d) =>
        new(d.Location.SourceTree?.FilePath ?? "", d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1);

    private static string Describe(Diagnostic d)
    {
        var code = d.Location.SourceTree is { } tree ? tree.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim() : "";
        return $"{d} | {code}";
    }
}
