using System.Diagnostics;
using System.Globalization;
using DurableAgents;
using DurableAgents.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

// Generator time on a synthetic project of N annotated classes (one file each, plus DTOs):
//   full     = a new driver on the whole compilation (a clean build / first IDE run)
//   body     = the same driver after a method-body edit in one file (the common IDE keystroke)
//   attr     = the same driver after changing one class's [Service] name (one file regenerated)
// Usage: dotnet run -c Release --project bench/DurableAgents.GeneratorBench -- [classes=500] [iterations=15]
var classes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;

var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
var references = Basic.Reference.Assemblies.Net100.References.All
    .Append(MetadataReference.CreateFromFile(typeof(IContext).Assembly.Location))
    .Append(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location))
    .ToList();
var trees = Enumerable.Range(0, classes).Select(i => CSharpSyntaxTree.ParseText(Source(i, "Hello"), parseOptions, path: $"C{i}.cs")).ToList();
var compilation = CSharpCompilation.Create("Bench", trees, references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create([new RestateGenerator().AsSourceGenerator()], parseOptions: parseOptions);

// Sanity: the output compiles and has one file per class plus the registration.
var check = NewDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
var generated = check.GetRunResult().GeneratedTrees.Length;
if (errors.Count > 0 || generated != classes + 1)
{
    Console.Error.WriteLine($"unexpected output: {generated} files, {errors.Count} errors; first: {errors.FirstOrDefault()}");
    return 1;
}

var middle = classes / 2;
var target = trees[middle];
var bodyEdited = compilation.ReplaceSyntaxTree(target, target.WithChangedText(SourceText.From(Source(middle, "Hi"))));
var attrEdited = compilation.ReplaceSyntaxTree(target, target.WithChangedText(SourceText.From(Source(middle, "Hello").Replace("[Service]", "[Service(\"renamed\")]", StringComparison.Ordinal))));

var full = new List<double>();
var body = new List<double>();
var attr = new List<double>();
var bodyGenerator = new List<double>();
var fullGenerator = new List<double>();
for (var i = 0; i < iterations + 3; i++)
{
    var warm = i >= 3;
    var sw = Stopwatch.StartNew();
    var driver = NewDriver().RunGenerators(compilation);
    sw.Stop();
    if (warm) full.Add(sw.Elapsed.TotalMilliseconds);
    if (warm) fullGenerator.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);

    sw.Restart();
    var afterBody = driver.RunGenerators(bodyEdited);
    sw.Stop();
    if (warm) body.Add(sw.Elapsed.TotalMilliseconds);
    if (warm) bodyGenerator.Add(afterBody.GetTimingInfo().ElapsedTime.TotalMilliseconds);

    sw.Restart();
    afterBody.RunGenerators(attrEdited);
    sw.Stop();
    if (warm) attr.Add(sw.Elapsed.TotalMilliseconds);
}

static string Stats(List<double> xs)
{
    xs.Sort();
    return string.Create(CultureInfo.InvariantCulture, $"median {xs[xs.Count / 2],8:F2} ms   min {xs[0],8:F2} ms   max {xs[^1],8:F2} ms");
}

var lookup = new List<double>();
for (var i = 0; i < iterations; i++)
{
    var fresh = bodyEdited.Clone();
    var sw = Stopwatch.StartNew();
    _ = fresh.GetTypeByMetadataName("DurableAgents.Clients.IngressClient");
    sw.Stop();
    lookup.Add(sw.Elapsed.TotalMilliseconds);
}

Console.WriteLine($"classes={classes} handlers={classes * 3} generated files={generated} iterations={iterations} (after 3 warm-up rounds)");
Console.WriteLine($"full run              {Stats(full)}");
Console.WriteLine($"incremental body edit {Stats(body)}");
Console.WriteLine($"incremental attr edit {Stats(attr)}");
Console.WriteLine($"(one GetTypeByMetadataName on a fresh compilation, the per-edit floor of any compilation-wide fact: {Stats(lookup)})");
Console.WriteLine($"(Roslyn's own GeneratorDriverTimingInfo: full {Stats(fullGenerator)}; body edit {Stats(bodyGenerator)})");
return 0;

static string Source(int i, string greeting) => (i % 3) switch
{
    0 => $$"""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Bench.Area{{i % 10}};

        public sealed record Request{{i}}(string Name, int Count, List<string> Tags);

        public sealed record Response{{i}}(string Message, Dictionary<string, int> Scores);

        [Service]
        public partial class Service{{i}}
        {
            [Handler]
            public async Task<Response{{i}}> GreetAsync(IContext context, Request{{i}} request)
            {
                await context.SleepAsync(System.TimeSpan.FromMilliseconds(1));
                return new Response{{i}}("{{greeting}} " + request.Name, new Dictionary<string, int>());
            }

            [Handler]
            public static Task<int> CountAsync(Request{{i}} request) => Task.FromResult(request.Count);

            [Handler]
            public static Task PingAsync() => Task.CompletedTask;
        }
        """,
    1 => $$"""
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Bench.Area{{i % 10}};

        public sealed record Item{{i}}(string Sku, decimal Price, int? Quantity);

        [VirtualObject]
        public partial class Service{{i}}
        {
            [Handler]
            public static async Task<long> AddAsync(IObjectContext context, Item{{i}} item)
            {
                var total = await context.GetAsync<long>("{{greeting}}") + (item.Quantity ?? 1);
                context.Set("{{greeting}}", total);
                return total;
            }

            [SharedHandler]
            public static async Task<long> GetAsync(ISharedObjectContext context) => await context.GetAsync<long>("{{greeting}}");

            [Handler]
            public static Task Reset(IObjectContext context)
            {
                context.ClearAll();
                return Task.CompletedTask;
            }
        }
        """,
    _ => $$"""
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Bench.Area{{i % 10}};

        public enum Stage{{i}} { Started, Verified, Done }

        public sealed record Input{{i}}(string Email, Stage{{i}} Stage);

        [Workflow]
        public partial class Service{{i}}
        {
            [Handler]
            public static async Task<Stage{{i}}> RunAsync(IWorkflowContext context, Input{{i}} input)
            {
                await context.Promise<string>("{{greeting}}").GetAsync();
                return input.Stage;
            }

            [SharedHandler]
            public static Task<string> Status(ISharedWorkflowContext context) => Task.FromResult(context.Key);

            [SharedHandler]
            public static Task Approve(ISharedWorkflowContext context, string code) => Task.CompletedTask;
        }
        """,
};
