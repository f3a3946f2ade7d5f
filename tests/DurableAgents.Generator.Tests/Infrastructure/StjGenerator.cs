using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Tests.Infrastructure;

/// <summary>
/// Runs the System.Text.Json source generator that ships in the local SDK's targeting pack
/// (<c>packs/Microsoft.NETCore.App.Ref/{version}/analyzers/dotnet/cs</c>); nothing is downloaded.
/// </summary>
public static class StjGenerator
{
    private static readonly Lazy<ISourceGenerator> Generator = new(Load);

    public static CSharpCompilation Add(CSharpCompilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create([Generator.Value], parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.That(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning), Is.Empty, "the System.Text.Json generator is happy");
        return (CSharpCompilation)output;
    }

    private static ISourceGenerator Load()
    {
        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory(); // {root}/shared/Microsoft.NETCore.App/{version}/
        var root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var packs = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        var version = Environment.Version;
        var candidates = Directory.Exists(packs)
            ? Directory.GetDirectories(packs).Where(d => Path.GetFileName(d).StartsWith($"{version.Major}.", StringComparison.Ordinal)).OrderDescending().ToList()
            : [];
        var path = candidates
            .SelectMany(d => new[] { Path.Combine(d, "analyzers", "dotnet", "cs"), Path.Combine(d, "analyzers", "dotnet", "roslyn4.4", "cs") })
            .Select(d => Path.Combine(d, "System.Text.Json.SourceGeneration.dll"))
            .FirstOrDefault(File.Exists);
        Assert.That(path, Is.Not.Null, $"the System.Text.Json source generator is in the SDK's targeting pack under {packs}");
        var assembly = Assembly.LoadFrom(path!);
        var type = assembly.GetTypes().Single(t => t.Name == "JsonSourceGenerator");
        var instance = Activator.CreateInstance(type)!;
        return instance is IIncrementalGenerator incremental ? incremental.AsSourceGenerator() : (ISourceGenerator)instance;
    }
}
