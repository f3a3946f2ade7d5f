using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Tests.Corpus;

/// <summary>
/// The System.Text.Json source generator of the installed .NET SDK (its targeting pack,
/// <c>packs/Microsoft.NETCore.App.Ref/{version}/analyzers/dotnet/cs</c>), so the corpus's <c>JsonSerializerContext</c>
/// partials compile as they do in a real build. Nothing is downloaded.
/// </summary>
public static class SystemTextJsonGenerator
{
    private static readonly Lazy<ISourceGenerator> Instance = new(Load);

    public static ISourceGenerator Get() => Instance.Value;

    private static ISourceGenerator Load()
    {
        // {dotnet root}/shared/Microsoft.NETCore.App/{version}/ → {dotnet root}/packs/Microsoft.NETCore.App.Ref/
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var packs = new DirectoryInfo(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"));
        var major = Environment.Version.Major + ".";
        var dll = (packs.Exists ? packs.GetDirectories() : [])
            .Where(d => d.Name.StartsWith(major, StringComparison.Ordinal))
            .OrderByDescending(d => d.Name, StringComparer.Ordinal)
            .Select(d => Path.Combine(d.FullName, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
            .FirstOrDefault(File.Exists);
        if (dll is null)
        {
            throw new InvalidOperationException($"No System.Text.Json source generator for .NET {Environment.Version.Major} under {packs.FullName}.");
        }

        var type = Assembly.LoadFrom(dll).GetTypes().Single(t => t.Name == "JsonSourceGenerator" && !t.IsAbstract);
        return Activator.CreateInstance(type) switch
        {
            IIncrementalGenerator incremental => incremental.AsSourceGenerator(),
            ISourceGenerator generator => generator,
            var other => throw new InvalidOperationException($"{type.FullName} is not a source generator ({other}).")
        };
    }
}
