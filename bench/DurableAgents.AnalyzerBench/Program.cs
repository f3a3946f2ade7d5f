using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Basic.Reference.Assemblies;
using DurableAgents.Analyzers.Context;
using DurableAgents.Analyzers.Declaration;
using DurableAgents.Analyzers.Determinism;
using DurableAgents.AnalyzerBench;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Compilation + analysis time of a large synthetic project, with the DurableAgents analyzers and without.
// Usage: dotnet run -c Release --project bench/DurableAgents.AnalyzerBench -- [classes=500] [iterations=7]
var classes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;

var files = SyntheticProject.Generate(classes);
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, f.Path)).ToImmutableArray();
var references = Net100.References.All.Cast<MetadataReference>()
    .Append(MetadataReference.CreateFromFile(typeof(DurableAgents.IContext).Assembly.Location))
    .ToImmutableArray();
ImmutableArray<DiagnosticAnalyzer> analyzers = [new DeterminismAnalyzer(), new ContextUsageAnalyzer(), new DeclarationAnalyzer()];
ImmutableArray<DiagnosticAnalyzer> noOp = [new NoOpOperationAnalyzer()];

CSharpCompilation NewCompilation() => CSharpCompilation.Create(
    "Synthetic",
    trees,
    references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

// Without analyzers: full binding and compiler diagnostics of a fresh compilation.
(double Ms, int Errors) Baseline()
{
    var sw = Stopwatch.StartNew();
    var diagnostics = NewCompilation().GetDiagnostics();
    sw.Stop();
    return (sw.Elapsed.TotalMilliseconds, diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
}

// With analyzers: the same, plus the three DurableAgents analyzers (the compiler driver path, concurrent).
(double Ms, int Findings) WithAnalyzers(ImmutableArray<DiagnosticAnalyzer> set)
{
    var sw = Stopwatch.StartNew();
    var options = new CompilationWithAnalyzersOptions(
        new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
    var diagnostics = NewCompilation().WithAnalyzers(set, options).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
    sw.Stop();
    return (sw.Elapsed.TotalMilliseconds, diagnostics.Count(d => d.Id.StartsWith("DA", StringComparison.Ordinal)));
}

Console.WriteLine($"Synthetic project: {classes} durable classes, {files.Count} files, {files.Sum(f => f.Text.Length) / 1024} KiB; {Environment.ProcessorCount} cores; {iterations} measured iterations (interleaved) after 2 warm-ups.");

var (_, errors) = Baseline();
if (errors > 0)
{
    var first = NewCompilation().GetDiagnostics().First(d => d.Severity == DiagnosticSeverity.Error);
    Console.Error.WriteLine($"The synthetic project does not compile: {errors} errors, first: {first}");
    return 1;
}

for (var warmup = 0; warmup < 2; warmup++)
{
    Baseline();
    WithAnalyzers(noOp);
    WithAnalyzers(analyzers);
}

var baseline = new List<double>();
var driver = new List<double>();
var analyzed = new List<double>();
var findings = 0;
for (var i = 0; i < iterations; i++)
{
    // Interleave the three so that machine noise hits them alike.
    baseline.Add(Baseline().Ms);
    driver.Add(WithAnalyzers(noOp).Ms);
    var run = WithAnalyzers(analyzers);
    analyzed.Add(run.Ms);
    findings = run.Findings;
}

double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
var b = Median(baseline);
var d = Median(driver);
var a = Median(analyzed);
Console.WriteLine($"A. compiler only (GetDiagnostics)          : median {b,7:F0} ms  (min {baseline.Min(),6:F0}, max {baseline.Max(),6:F0})");
Console.WriteLine($"B. + analyzer driver, one no-op analyzer    : median {d,7:F0} ms  (min {driver.Min(),6:F0}, max {driver.Max(),6:F0})");
Console.WriteLine($"C. + the three DurableAgents analyzers      : median {a,7:F0} ms  (min {analyzed.Min(),6:F0}, max {analyzed.Max(),6:F0})");
Console.WriteLine($"ratio C/A (with vs without our analyzers)  : {a / b:F2}x  (+{a - b:F0} ms)");
Console.WriteLine($"ratio C/B (our rules vs the driver floor)   : {a / d:F2}x  (+{a - d:F0} ms)");
Console.WriteLine($"DA diagnostics                              : {findings}");
return 0;

/// <summary>
/// Registers an empty operation-block action: the cost every IOperation-based analyzer pays (the driver builds the
/// operation tree of every method body), before any rule runs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class NoOpOperationAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("NOOP0001", "never", "never", "bench", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Never];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationBlockAction(static block =>
        {
            foreach (var operation in block.OperationBlocks)
            {
                _ = operation.Kind;
            }
        });
    }
}
