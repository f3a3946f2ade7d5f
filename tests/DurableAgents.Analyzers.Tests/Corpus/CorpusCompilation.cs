using System.Collections.Immutable;
using System.Reflection;
using DurableAgents.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Tests.Corpus;

/// <summary>
/// Compiles the safe corpus (<c>Corpus/Safe/*.cs</c>, copied next to the test assembly) as one application, the way a
/// real build does: the DurableAgents generator and the System.Text.Json generator run over it, then every
/// <see cref="DiagnosticAnalyzer"/> of the DurableAgents.Analyzers assembly. The default corpus is compiled once per
/// test run.
/// </summary>
public static class CorpusCompilation
{
    public const string AssemblyName = "CorpusApp";

    /// <summary>The SDK's implicit usings of a <c>Microsoft.NET.Sdk</c> project (the corpus is written with them on).</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<Task<CorpusRun>> Default = new(() => RunAsync(ReadCorpus()));

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    /// <summary>
    /// .NET 10 reference assemblies plus what an ASP.NET Core app with DurableAgents references: the runtime,
    /// Microsoft.Extensions.* (DI, logging, options, configuration, HTTP client factory) and Microsoft.Extensions.AI.
    /// </summary>
    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        .. new[]
        {
            typeof(IContext),
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection),
            typeof(Microsoft.Extensions.Logging.ILogger),
            typeof(Microsoft.Extensions.Options.IOptions<>),
            typeof(Microsoft.Extensions.Configuration.IConfiguration),
            typeof(Microsoft.Extensions.Primitives.StringValues),
            typeof(IHttpClientFactory),
            typeof(Microsoft.Extensions.AI.ChatMessage),
            typeof(Microsoft.Extensions.AI.ChatClientBuilder),
        }.Select(t => t.Assembly.Location).Distinct(StringComparer.Ordinal).Select(p => MetadataReference.CreateFromFile(p)),
    ];

    /// <summary>The folder the corpus files are copied to.</summary>
    public static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Corpus", "Safe");

    /// <summary>The corpus file names, ordinal (one NUnit case each).</summary>
    public static IReadOnlyList<string> FileNames() =>
        Directory.GetFiles(CorpusDirectory, "*.cs").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The corpus as it is on disk: (file name, text), ordinal by name.</summary>
    public static IReadOnlyList<(string Name, string Text)> ReadCorpus() =>
        FileNames().Select(n => (n, File.ReadAllText(Path.Combine(CorpusDirectory, n)))).ToList();

    /// <summary>The run over the corpus on disk (computed once).</summary>
    public static Task<CorpusRun> RunAsync() => Default.Value;

    /// <summary>Compiles <paramref name="files"/> as one application and runs the generators and every analyzer.</summary>
    public static async Task<CorpusRun> RunAsync(IReadOnlyList<(string Name, string Text)> files)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, path: f.Name)).ToList();
        var compilation = CSharpCompilation.Create(
            AssemblyName,
            [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "ImplicitUsings.g.cs")],
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true,
                // As the SDK does: assembly-unification notes are not problems.
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new RestateGenerator().AsSourceGenerator(), SystemTextJsonGenerator.Get()],
            parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        var analyzers = AllAnalyzers();
        var all = await output
            .WithAnalyzers([.. analyzers], new AnalyzerOptions([]))
            .GetAllDiagnosticsAsync(CancellationToken.None);

        var names = files.Select(f => f.Name).Order(StringComparer.Ordinal).ToImmutableArray();
        var problems = generatorDiagnostics.Concat(all)
            .Where(d => !IsDurableAgents(d) && (d.Severity >= DiagnosticSeverity.Warning || d.Id == "AD0001"))
            .ToImmutableArray();
        var durable = all.Where(IsDurableAgents).OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
        var handlers = trees.ToImmutableDictionary(t => t.FilePath, t => HandlersOf(output, t), StringComparer.Ordinal);
        return new CorpusRun(names, [.. analyzers.Select(a => a.GetType().Name).Order(StringComparer.Ordinal)], problems, durable, handlers);
    }

    /// <summary>Every analyzer the DurableAgents.Analyzers assembly ships (so a new analyzer is covered without a change here).</summary>
    public static IReadOnlyList<DiagnosticAnalyzer> AllAnalyzers() =>
        typeof(RuleIds).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();

    private static bool IsDurableAgents(Diagnostic d) => d.Id.StartsWith("DA", StringComparison.Ordinal);

    /// <summary>The methods of <paramref name="tree"/> marked [Handler], [SharedHandler] or [DurableTool], as the compiler binds them.</summary>
    private static ImmutableArray<string> HandlersOf(Compilation compilation, SyntaxTree tree)
    {
        var marks = new[] { typeof(HandlerAttribute), typeof(SharedHandlerAttribute), typeof(DurableToolAttribute) }
            .Select(t => compilation.GetTypeByMetadataName(t.FullName!))
            .Where(t => t is not null)
            .ToList();
        var model = compilation.GetSemanticModel(tree);
        return
        [
            .. tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
                .Select(m => model.GetDeclaredSymbol(m))
                .Where(m => m is not null && m.GetAttributes().Any(a => marks.Any(k => SymbolEqualityComparer.Default.Equals(a.AttributeClass, k))))
                .Select(m => m!.ContainingType.Name + "." + m.Name),
        ];
    }
}
