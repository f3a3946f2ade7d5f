using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Tests;

/// <summary>What is re-run after an edit: every tracked step and source output, by reason.</summary>
public class IncrementalTests
{
    private const string Greeter = """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Greeter
        {
            [Handler]
            public static Task<string> Greet(string name)
            {
                return Task.FromResult("Hello " + name);
            }
        }
        """;

    private const string Counter = """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [VirtualObject("counter")]
        public partial class Counter
        {
            [Handler]
            public static Task<long> Add(IObjectContext context, long delta) => Task.FromResult(delta);
        }
        """;

    private const string Agent = """
        using DurableAgents;

        namespace Demo;

        [DurableAgent]
        public partial class Helper
        {
            [DurableTool]
            public static int Add(int a, int b) => a + b;
        }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) Start()
    {
        var compilation = GeneratorHarness.Compile([Greeter, Counter, Agent]);
        var (driver, _, _) = GeneratorHarness.Run(compilation);
        return (driver, compilation);
    }

    private static GeneratorRunResult Rerun(GeneratorDriver driver, Compilation compilation)
        => driver.RunGenerators(compilation).GetRunResult().Results.Single();

    private static SyntaxTree Tree(CSharpCompilation compilation, string marker)
        => compilation.SyntaxTrees.Single(t => t.ToString().Contains(marker, StringComparison.Ordinal));

    private static void AssertNothingRegenerated(GeneratorRunResult result)
    {
        var steps = result.TrackedSteps.Where(kv => GeneratorHarness.TrackingStepNames.Contains(kv.Key)).ToList();
        Assert.That(steps.Select(kv => kv.Key), Is.SupersetOf(new[] { TrackingNames.Services, TrackingNames.ServiceModels, TrackingNames.Settings, TrackingNames.Registration, TrackingNames.Agents }));
        foreach (var (name, runs) in steps)
        {
            foreach (var output in runs.SelectMany(r => r.Outputs))
            {
                Assert.That(output.Reason, Is.EqualTo(IncrementalStepRunReason.Cached).Or.EqualTo(IncrementalStepRunReason.Unchanged), $"step {name}");
            }
        }

        foreach (var output in result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs))
        {
            Assert.That(output.Reason, Is.EqualTo(IncrementalStepRunReason.Cached), "no source output is regenerated");
        }
    }

    [Test]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        var (driver, compilation) = Start();
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions));
        AssertNothingRegenerated(Rerun(driver, edited));
    }

    [Test]
    public void MethodBodyEditLeavesEveryStepCachedOrUnchanged()
    {
        var (driver, compilation) = Start();
        var old = Tree(compilation, "class Greeter");
        var edited = compilation.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Greeter.Replace("\"Hello \" + name", "\"Hi there, \" + name.Trim()", StringComparison.Ordinal))));
        var result = Rerun(driver, edited);
        Assert.That(result.TrackedSteps[TrackingNames.Services].SelectMany(s => s.Outputs).Select(o => o.Reason),
            Does.Contain(IncrementalStepRunReason.Unchanged), "the edited class was re-parsed to an equal model");
        AssertNothingRegenerated(result);
    }

    [Test]
    public void AttributeChangeRegeneratesOnlyThatClass()
    {
        var (driver, compilation) = Start();
        var old = Tree(compilation, "class Greeter");
        var edited = compilation.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Greeter.Replace("[Service]", "[Service(\"greeter-v2\")]", StringComparison.Ordinal))));
        var result = Rerun(driver, edited);

        var outputs = result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).ToList();
        Assert.That(outputs.Count(o => o.Reason == IncrementalStepRunReason.Modified), Is.EqualTo(1), "exactly one source output is regenerated");
        var greeter = result.GeneratedSources.Single(s => s.HintName == "Demo.Greeter.Restate.g.cs");
        Assert.That(greeter.SourceText.ToString(), Does.Contain("Name = \"greeter-v2\","));
        Assert.That(result.TrackedSteps[TrackingNames.Registration].SelectMany(s => s.Outputs).Select(o => o.Reason),
            Is.All.EqualTo(IncrementalStepRunReason.Unchanged).Or.All.EqualTo(IncrementalStepRunReason.Cached), "the registration does not depend on service names");
    }

    [Test]
    public void AddingAHandlerRegeneratesThatClassOnly()
    {
        var (driver, compilation) = Start();
        var old = Tree(compilation, "class Counter");
        var edited = compilation.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Counter.Replace("    [Handler]", "    [SharedHandler]\n    public static Task<long> Get(ISharedObjectContext context) => Task.FromResult(0L);\n\n    [Handler]", StringComparison.Ordinal))));
        var result = Rerun(driver, edited);
        var modified = result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Where(o => o.Reason == IncrementalStepRunReason.Modified).ToList();
        Assert.That(modified, Has.Count.EqualTo(1));
        Assert.That(result.GeneratedSources.Single(s => s.HintName == "Demo.Counter.Restate.g.cs").SourceText.ToString(), Does.Contain("Name = \"get\","));
    }

    [Test]
    public void EquivalentSourcesGiveEqualModels()
    {
        static IReadOnlyList<object> Models()
        {
            var (_, _, result) = GeneratorHarness.Run(GeneratorHarness.Compile([Greeter, Counter, Agent]));
            return result.Results.Single().TrackedSteps
                .Where(kv => kv.Key is TrackingNames.ServiceModels or TrackingNames.AgentModels or TrackingNames.Registration)
                .SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
        }

        var first = Models();
        var second = Models();
        Assert.That(first, Has.Count.EqualTo(4), "two services, one agent, one registration");
        Assert.That(second, Is.EqualTo(first));
        Assert.That(second.Select(m => m.GetHashCode()), Is.EqualTo(first.Select(m => m.GetHashCode())));
    }

    [Test]
    public void ModelsHoldNoSymbolsSyntaxOrCompilations()
    {
        var (_, _, result) = GeneratorHarness.Run(GeneratorHarness.Compile([Greeter, Counter, Agent]));
        var values = GeneratorHarness.TrackedSteps(result).SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
        Assert.That(values, Is.Not.Empty);
        foreach (var value in values)
        {
            GeneratorHarness.AssertNoRoslynObjects(value, value.GetType().Name, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    [Test]
    public void TheSymbolWalkDetectsASymbol()
    {
        // The walker itself must fail on a model that leaks a symbol, or the test above proves nothing.
        var compilation = GeneratorHarness.Compile([Greeter]);
        var leaky = new { Name = "x", Symbol = (object)compilation.GetTypeByMetadataName("Demo.Greeter")! };
        Assert.Throws<AssertionException>(() => GeneratorHarness.AssertNoRoslynObjects(leaky, "leaky", new HashSet<object>(ReferenceEqualityComparer.Instance)));
    }
}
