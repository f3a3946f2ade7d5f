using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Tests.Infrastructure;

/// <summary>
/// Builds in-memory compilations against the .NET 10 reference assemblies (Basic.Reference.Assemblies, no download)
/// plus the real runtime assembly, and drives <see cref="RestateGenerator"/> with step tracking on.
/// </summary>
public static class GeneratorHarness
{
    public const string AssemblyName = "TestApp";

    /// <summary>Mirrors the ingress client API the generated clients target, used only while the runtime lacks it.</summary>
    public const string IngressClientStub = """
        namespace DurableAgents.Clients
        {
            public sealed record IngressCallOptions;
            public sealed record IngressSendOptions;
            public sealed record SendResponse(string InvocationId);
            public class IngressClient
            {
                public System.Threading.Tasks.Task<byte[]> CallRawAsync(DurableAgents.CallTarget target, System.ReadOnlyMemory<byte> body, IngressCallOptions? options = null, System.Threading.CancellationToken ct = default)
                    => System.Threading.Tasks.Task.FromResult(System.Array.Empty<byte>());
                public System.Threading.Tasks.Task<SendResponse> SendRawAsync(DurableAgents.CallTarget target, System.ReadOnlyMemory<byte> body, IngressSendOptions? options = null, System.Threading.CancellationToken ct = default)
                    => System.Threading.Tasks.Task.FromResult(new SendResponse(""));
            }
        }
        """;

    public static readonly bool RuntimeHasIngressClient = typeof(IContext).Assembly.GetType("DurableAgents.Clients.IngressClient") is not null;

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    /// <summary>Microsoft Agent Framework's abstractions: with it, agent clients get <c>AsAIAgent</c> (the runtime's <c>DurableAgentProxy</c> derives from <c>AIAgent</c>).</summary>
    public static readonly MetadataReference AgentFrameworkReference = MetadataReference.CreateFromFile(typeof(Microsoft.Agents.AI.AIAgent).Assembly.Location);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(IContext).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location),
        // Generated agent handlers mention Microsoft.Extensions.AI types (session history is a list of ChatMessage).
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.AI.ChatMessage).Assembly.Location),
        AgentFrameworkReference,
    ];

    public static CSharpCompilation Compile(IEnumerable<string> sources, bool withIngressStub = true, CSharpParseOptions? parseOptions = null)
        => Compile(sources, AssemblyName, OutputKind.DynamicallyLinkedLibrary, [], withIngressStub, parseOptions);

    /// <summary>A compilation with a chosen assembly name, output kind and extra references (other generated assemblies).</summary>
    public static CSharpCompilation Compile(
        IEnumerable<string> sources,
        string assemblyName,
        OutputKind outputKind,
        IEnumerable<MetadataReference> extraReferences,
        bool withIngressStub = true,
        CSharpParseOptions? parseOptions = null)
    {
        var all = sources.ToList();
        if (withIngressStub && !RuntimeHasIngressClient)
        {
            all.Add(IngressClientStub);
        }

        var trees = all.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions ?? ParseOptions, path: $"Input{i}.cs"));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.AddRange(extraReferences),
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, deterministic: true)
                .WithSpecificDiagnosticOptions(SdkSuppressions));
    }

    /// <summary>
    /// What the .NET SDK suppresses in every build (<c>NoWarn</c> 1701;1702): assembly-reference unification notes, e.g. a
    /// framework assembly built against Microsoft.Extensions.DependencyInjection.Abstractions 10.0 meeting the 11.0 that
    /// Microsoft.Extensions.AI 11 brings.
    /// </summary>
    private static readonly ImmutableDictionary<string, ReportDiagnostic> SdkSuppressions = ImmutableDictionary<string, ReportDiagnostic>.Empty
        .Add("CS1701", ReportDiagnostic.Suppress)
        .Add("CS1702", ReportDiagnostic.Suppress);

    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null)
        => CSharpGeneratorDriver.Create(
            [new RestateGenerator().AsSourceGenerator()],
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the driver (for incremental re-runs) and the output compilation.</summary>
    public static (GeneratorDriver Driver, Compilation Output, GeneratorDriverRunResult Result) Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CreateDriver((CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.That(diagnostics, Is.Empty, "the generator reports no diagnostics (the analyzers do)");
        return (driver, output, driver.GetRunResult());
    }

    /// <summary>All generated files, ordinal by hint name, each preceded by a marker line (the snapshot format).</summary>
    public static string GeneratedText(GeneratorDriverRunResult result)
        => string.Concat(result.Results.Single().GeneratedSources
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => "//------------------------------------------------------------ " + s.HintName + "\n" + s.SourceText));

    /// <summary>Errors and warnings of a compilation (hidden and info diagnostics are ignored).</summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation compilation)
        => compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    /// <summary>Every tracked step name declared in <see cref="TrackingNames"/>.</summary>
    public static IReadOnlyList<string> TrackingStepNames { get; } = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>
    /// Runs the generator twice (the second time on a clone of the compilation) and asserts that every tracked step
    /// is Cached or Unchanged and every source output Cached; then walks every tracked value and fails on any symbol,
    /// compilation, semantic model, syntax node or location (NetEscapades' harness, adapted).
    /// </summary>
    public static void AssertCachedAndSymbolFree(CSharpCompilation compilation)
    {
        var (driver, _, first) = Run(compilation);
        var second = driver.RunGenerators(compilation.Clone()).GetRunResult();

        var firstSteps = TrackedSteps(first);
        var secondSteps = TrackedSteps(second);
        Assert.That(secondSteps.Keys, Is.EquivalentTo(firstSteps.Keys), "the same tracked steps run both times");
        foreach (var (name, steps) in secondSteps)
        {
            foreach (var step in steps)
            {
                foreach (var (value, reason) in step.Outputs)
                {
                    Assert.That(reason, Is.EqualTo(IncrementalStepRunReason.Cached).Or.EqualTo(IncrementalStepRunReason.Unchanged),
                        $"step {name} output {value} was {reason} on an identical compilation");
                }
            }
        }

        foreach (var output in second.Results.Single().TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs))
        {
            Assert.That(output.Reason, Is.EqualTo(IncrementalStepRunReason.Cached), "every source output is cached on an identical compilation");
        }

        foreach (var (name, steps) in firstSteps)
        {
            foreach (var step in steps)
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertNoRoslynObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    public static Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> TrackedSteps(GeneratorDriverRunResult result)
        => result.Results.Single().TrackedSteps
            .Where(kv => TrackingStepNames.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Fails when <paramref name="value"/> holds (anywhere in its object graph) a Roslyn object that defeats caching.</summary>
    public static void AssertNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null)
        {
            return;
        }

        var type = value.GetType();
        Assert.That(value, Is.Not.InstanceOf<ISymbol>().And.Not.InstanceOf<Compilation>().And.Not.InstanceOf<SemanticModel>()
            .And.Not.InstanceOf<SyntaxNode>().And.Not.InstanceOf<Location>().And.Not.InstanceOf<SyntaxTree>(), $"{path} holds a {type.Name}");
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal || !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable enumerable)
        {
            var i = 0;
            foreach (var item in enumerable)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
