using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Basic.Reference.Assemblies;
using DurableAgents.Analyzers.Determinism;
using DurableAgents.AnalyzerBench;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Compilation + analysis time of large synthetic projects, with the DurableAgents analyzers and without.
// Usage: dotnet run -c Release --project bench/DurableAgents.AnalyzerBench -- [classes=500, or a list: 250,500,1000] [iterations=7] [--each]
var sizes = (args.Length > 0 ? args[0] : "500").Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var perAnalyzer = args.Contains("--each"); // also time each analyzer alone against the floor

var references = Net100.References.All.Cast<MetadataReference>()
    .Append(MetadataReference.CreateFromFile(typeof(DurableAgents.IContext).Assembly.Location))
    .ToImmutableArray();

// Every analyzer the package ships (the bench is not shipped code: reflection is fine here), so new rules are measured too.
var analyzers = typeof(DeterminismAnalyzer).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
    .OrderBy(t => t.Name, StringComparer.Ordinal)
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();
ImmutableArray<DiagnosticAnalyzer> noOp = [new NoOpOperationAnalyzer()];
Console.WriteLine($"{analyzers.Length} DurableAgents analyzers: {string.Join(", ", analyzers.Select(a => a.GetType().Name))}");
Console.WriteLine($"{Environment.ProcessorCount} cores; {iterations} measured iterations per size (A, B, C interleaved) after 2 warm-ups.");

var rows = new List<(int Classes, double A, double B, double C, double Paired, int Findings)>();
foreach (var classes in sizes)
{
    var files = SyntheticProject.Generate(classes);
    var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
    var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, f.Path)).ToImmutableArray();

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

    // With analyzers: the same, plus an analyzer set (the compiler driver path, concurrent).
    (double Ms, ImmutableArray<Diagnostic> Findings) WithAnalyzers(ImmutableArray<DiagnosticAnalyzer> set)
    {
        var sw = Stopwatch.StartNew();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = NewCompilation().WithAnalyzers(set, options).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        sw.Stop();
        return (sw.Elapsed.TotalMilliseconds, diagnostics.Where(d => d.Id.StartsWith("DA", StringComparison.Ordinal)).ToImmutableArray());
    }

    Console.WriteLine();
    Console.WriteLine($"Synthetic project: {classes} durable classes, {files.Count} files, {files.Sum(f => f.Text.Length) / 1024} KiB.");
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
    var findings = ImmutableArray<Diagnostic>.Empty;
    for (var i = 0; i < iterations; i++)
    {
        // Interleave the three, and rotate which goes first, so that machine noise hits them alike.
        var order = new[] { 0, 1, 2 }.Select(k => (k + i) % 3);
        foreach (var k in order)
        {
            switch (k)
            {
                case 0:
                    baseline.Add(Baseline().Ms);
                    break;
                case 1:
                    driver.Add(WithAnalyzers(noOp).Ms);
                    break;
                default:
                    var run = WithAnalyzers(analyzers);
                    analyzed.Add(run.Ms);
                    findings = run.Findings;
                    break;
            }
        }
    }

    var b = Median(baseline);
    var d = Median(driver);
    var a = Median(analyzed);
    Console.WriteLine($"A. compiler only (GetDiagnostics)          : median {b,7:F0} ms  (min {baseline.Min(),6:F0}, max {baseline.Max(),6:F0})");
    Console.WriteLine($"B. + analyzer driver, one no-op analyzer    : median {d,7:F0} ms  (min {driver.Min(),6:F0}, max {driver.Max(),6:F0})");
    Console.WriteLine($"C. + the DurableAgents analyzers            : median {a,7:F0} ms  (min {analyzed.Min(),6:F0}, max {analyzed.Max(),6:F0})");
    Console.WriteLine($"ratio C/A (with vs without our analyzers)  : {a / b:F2}x  (+{a - b:F0} ms)");
    Console.WriteLine($"ratio C/B (our rules vs the driver floor)   : {a / d:F2}x  (+{a - d:F0} ms)");
    // B and C of one iteration ran back to back: the median of their per-iteration ratios is less exposed to the
    // machine's load drifting over the run than the ratio of the two medians.
    var paired = analyzed.Zip(driver, (c, fl) => c / fl).ToList();
    Console.WriteLine($"C/B per iteration, median (min-max)         : {Median(paired):F2}x  ({paired.Min():F2}-{paired.Max():F2})");
    Console.WriteLine($"DA diagnostics                              : {findings.Length} ({string.Join(", ", findings.GroupBy(f => f.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"))})");
    rows.Add((classes, b, d, a, Median(paired), findings.Length));

    if (perAnalyzer)
    {
        // Where our rules' time goes: each analyzer alone against the driver floor, interleaved, median per analyzer.
        var alone = analyzers.ToDictionary(x => x, _ => new List<double>());
        var floor = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            floor.Add(WithAnalyzers(noOp).Ms);
            foreach (var x in analyzers)
            {
                alone[x].Add(WithAnalyzers([x]).Ms);
            }
        }

        var f = Median(floor);
        Console.WriteLine($"each analyzer alone, minus the floor ({f:F0} ms): " + string.Join(", ", alone
            .Select(x => (x.Key.GetType().Name, Ms: Median(x.Value) - f))
            .OrderByDescending(x => x.Ms)
            .Select(x => $"{x.Name} {x.Ms:+0;-0} ms")));
    }
}

if (rows.Count > 1)
{
    Console.WriteLine();
    Console.WriteLine("| classes | A ms | B ms | C ms | C/B of medians | C/B per iteration, median | (C-B) ms | (C-B) per class, ms | C per class, ms | DA diagnostics |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var r in rows)
    {
        Console.WriteLine($"| {r.Classes} | {r.A:F0} | {r.B:F0} | {r.C:F0} | {r.C / r.B:F2}x | {r.Paired:F2}x | {r.C - r.B:F0} | {(r.C - r.B) / r.Classes:F3} | {r.C / r.Classes:F2} | {r.Findings} |");
    }
}

return 0;

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

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
