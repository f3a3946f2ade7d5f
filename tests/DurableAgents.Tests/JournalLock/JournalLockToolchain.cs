using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using System.Text;
using DurableAgents.Analyzers.JournalLock;
using DurableAgents.CodeFixes;
using DurableAgents.Definitions;
using DurableAgents.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.Tests.JournalLock;

/// <summary>
/// What a developer's build does to a handler's source, in memory and with the shipped components: the generator in
/// update mode writes the lock text, the journal-lock analyzer compares a changed version with it, the version-gate code
/// fix rewrites the change, and the fixed source is compiled (generator included) and loaded so the test can deploy
/// exactly what the fix produced.
/// </summary>
internal static class JournalLockToolchain
{
    public const string LockFileName = "DurableAgents.journal.lock";

    /// <summary>The assembly name of compiled versions; the test assembly grants it its internals (CheckoutProbe).</summary>
    public const string AssemblyName = "CheckoutNext";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>The implicit usings of the test project (the version sources rely on them).</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The source of one of this folder's version files, as copied next to the test assembly.</summary>
    public static string ReadVersionSource(string fileName) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "JournalLock", fileName));

    /// <summary>The lock text an update build (<c>-p:DurableAgentsJournalLock=update</c>) writes for <paramref name="source"/>.</summary>
    public static string UpdateLock(string source)
    {
        var (_, generated, _) = Generate(source, update: true);
        var lockSource = generated.Single(t => t.FilePath.EndsWith("DurableAgents.JournalLock.g.cs", StringComparison.Ordinal));
        var text = new StringBuilder();
        foreach (var line in lockSource.GetText().ToString().Split('\n'))
        {
            if (line.StartsWith("//lock:", StringComparison.Ordinal))
            {
                text.Append(line.AsSpan("//lock:".Length).TrimEnd('\r')).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The diagnostics a normal build of <paramref name="source"/> gets from the journal-lock analyzer.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source, string lockText)
    {
        var (compilation, _, _) = Generate(source, update: false);
        var options = new AnalyzerOptions([new LockText(lockText)]);
        return await compilation.WithAnalyzers([new JournalLockAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>
    /// Applies the code action titled <paramref name="title"/> that <paramref name="fixer"/> offers for the first
    /// diagnostic <paramref name="id"/> of <paramref name="source"/>, in a workspace that holds the lock as an additional
    /// document, and returns the new source.
    /// </summary>
    public static async Task<string> ApplyFixAsync(string source, string lockText, string id, string title, CodeFixProvider fixer)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, AssemblyName, AssemblyName, LanguageNames.CSharp,
                compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References.Value));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution
            .AddDocument(documentId, "Checkout.cs", SourceText.From(source), filePath: "/app/Checkout.cs")
            .AddDocument(DocumentId.CreateNewId(projectId), "GlobalUsings.cs", SourceText.From(GlobalUsings), filePath: "/app/GlobalUsings.cs")
            .AddAdditionalDocument(DocumentId.CreateNewId(projectId), LockFileName, SourceText.From(lockText), filePath: "/app/" + LockFileName);
        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers([new JournalLockAnalyzer()], project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        var diagnostic = diagnostics.First(d => d.Id == id);
        var document = solution.GetDocument(documentId)!;

        var actions = new List<CodeAction>();
        await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var chosen = actions.SingleOrDefault(a => a.Title == title)
            ?? throw new InvalidOperationException($"'{title}' is not offered for {diagnostic}; offered: {string.Join(", ", actions.Select(a => a.Title))}");
        var operations = await chosen.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await changed.GetDocument(documentId)!.GetTextAsync()).ToString();
    }

    /// <summary>
    /// Compiles <paramref name="source"/> with the generator, loads it, and returns the generated <c>Definition</c> of
    /// <paramref name="typeName"/>; compiler errors fail with their text.
    /// </summary>
    public static ServiceDefinition CompileAndLoad(string source, string typeName)
    {
        var (compilation, _, _) = Generate(source, update: false);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!emitted.Success)
        {
            throw new InvalidOperationException("the fixed source does not compile:\n" + string.Join("\n", errors));
        }

        image.Position = 0;
        var assembly = new AssemblyLoadContext(AssemblyName + Guid.NewGuid().ToString("N"), isCollectible: false).LoadFromStream(image);
        var type = assembly.GetType(typeName, throwOnError: true)!;
        var property = type.GetProperty("Definition", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{typeName} has no generated Definition");
        return (ServiceDefinition)property.GetValue(null)!;
    }

    private static (Compilation Compilation, ImmutableArray<SyntaxTree> Generated, ImmutableArray<Diagnostic> Diagnostics) Generate(string source, bool update)
    {
        var compilation = CSharpCompilation.Create(
            AssemblyName,
            [CSharpSyntaxTree.ParseText(source, ParseOptions, "/app/Checkout.cs"), CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, "/app/GlobalUsings.cs")],
            References.Value,
            CompilationOptions);
        var options = new BuildProperties(update
            ? new Dictionary<string, string> { ["build_property.DurableAgentsJournalLock"] = "update" }
            : new Dictionary<string, string>());
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new RestateGenerator().AsSourceGenerator()], optionsProvider: options, parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, driver.GetRunResult().GeneratedTrees, diagnostics);
    }

    /// <summary>The framework and every managed assembly next to the test (the runtime, its dependencies, this test assembly).</summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
        return [.. local.Concat(framework)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>The lock file as the build passes it (an AdditionalFile).</summary>
    private sealed class LockText(string text) : AdditionalText
    {
        public override string Path => "/app/" + LockFileName;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>The build properties the compiler passes to the generator.</summary>
    private sealed class BuildProperties(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(values);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options([]);

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
