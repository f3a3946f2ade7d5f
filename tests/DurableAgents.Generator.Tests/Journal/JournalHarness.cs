using DurableAgents.Generator.Emit;
using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Tests.Journal;

/// <summary>Runs the generator in journal-lock update mode and reads back the lock text it emits.</summary>
public static class JournalHarness
{
    public static GeneratorDriver CreateDriver(bool update = true)
        => CSharpGeneratorDriver.Create(
            [new RestateGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: update ? TestOptionsProvider.JournalUpdate : null,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorDriver Driver, GeneratorRunResult Result) Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.That(diagnostics, Is.Empty);
        Assert.That(GeneratorHarness.Problems(output), Is.Empty, "the app (with the generated code) compiles cleanly");
        return (driver, driver.GetRunResult().Results.Single());
    }

    /// <summary>The emitted <c>DurableAgents.JournalLock.g.cs</c>, or null.</summary>
    public static string? LockFileSource(GeneratorRunResult result)
        => result.GeneratedSources.SingleOrDefault(s => s.HintName == JournalLockEmitter.HintName).SourceText?.ToString();

    /// <summary>The lock text carried by the emitted file (the lines after <c>//lock:</c>).</summary>
    public static string LockText(string source)
        => string.Concat(source.Split('\n').Where(l => l.StartsWith(JournalLockEmitter.LinePrefix, StringComparison.Ordinal))
            .Select(l => l[JournalLockEmitter.LinePrefix.Length..] + "\n"));
}
