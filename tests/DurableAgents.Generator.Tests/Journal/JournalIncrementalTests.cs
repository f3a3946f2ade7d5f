using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.Generator.Tests.Journal;

/// <summary>An edit outside handler bodies does not change (or, in another file, even recompute) the journal manifests.</summary>
public class JournalIncrementalTests
{
    private const string Greeter = """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Greeter
        {
            [Handler]
            public async Task<string> GreetAsync(IContext ctx, string name)
            {
                var text = await ctx.RunAsync("compose", _ => Task.FromResult("Hello " + name));
                await ctx.SleepAsync(System.TimeSpan.FromSeconds(1));
                return text;
            }
        }
        """;

    private const string Agent = """
        using DurableAgents;

        namespace Demo;

        [DurableAgent]
        public partial class Helper
        {
            /// <summary>Adds.</summary>
            [DurableTool]
            public static int Add(int a, int b) => a + b;
        }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) Start()
    {
        var compilation = GeneratorHarness.Compile([Greeter, Agent]);
        var (driver, _) = JournalHarness.Run(compilation);
        return (driver, compilation);
    }

    private static GeneratorRunResult Rerun(GeneratorDriver driver, Compilation compilation)
        => driver.RunGenerators(compilation).GetRunResult().Results.Single();

    private static CSharpCompilation Edit(CSharpCompilation compilation, string marker, Func<string, string> edit)
    {
        var old = compilation.SyntaxTrees.Single(t => t.ToString().Contains(marker, StringComparison.Ordinal));
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(SourceText.From(edit(old.ToString()))));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    /// <summary>Every source output of the run was served from the cache (nothing regenerated).</summary>
    private static void AssertNoSourceRegenerated(GeneratorRunResult result)
        => Assert.That(result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason),
            Is.Not.Empty.And.All.EqualTo(IncrementalStepRunReason.Cached), "no source output is regenerated");

    [Test]
    public void EditInAnotherFileLeavesManifestsCached()
    {
        var (driver, compilation) = Start();
        var result = Rerun(driver, compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public class Unrelated { public int X => 1; }", GeneratorHarness.ParseOptions)));
        // The transform may re-run on the new compilation (Unchanged) but never produces a new manifest.
        Assert.That(Reasons(result, TrackingNames.JournalManifests), Is.Not.Empty.And.All.EqualTo(IncrementalStepRunReason.Cached).Or.EqualTo(IncrementalStepRunReason.Unchanged));
        Assert.That(Reasons(result, TrackingNames.JournalLock), Is.All.EqualTo(IncrementalStepRunReason.Cached).Or.All.EqualTo(IncrementalStepRunReason.Unchanged));
        AssertNoSourceRegenerated(result);
    }

    [Test]
    public void EditOutsideHandlerBodiesInTheSameFileLeavesManifestsUnchanged()
    {
        var (driver, compilation) = Start();
        var edited = Edit(compilation, "class Greeter", s => s
            .Replace("public partial class Greeter\n{", "public partial class Greeter\n{\n    private const int Unused = 42;\n\n    public string Describe() => \"greeter \" + Unused;\n", StringComparison.Ordinal));
        Assert.That(edited.SyntaxTrees.Any(t => t.ToString().Contains("Describe", StringComparison.Ordinal)), Is.True, "the edit applied");
        var result = Rerun(driver, edited);
        var reasons = Reasons(result, TrackingNames.JournalManifests).ToList();
        Assert.That(reasons, Does.Contain(IncrementalStepRunReason.Unchanged), "the edited class was re-walked to equal manifests");
        Assert.That(reasons, Is.All.EqualTo(IncrementalStepRunReason.Cached).Or.EqualTo(IncrementalStepRunReason.Unchanged));
        Assert.That(Reasons(result, TrackingNames.JournalLock), Is.All.EqualTo(IncrementalStepRunReason.Cached).Or.All.EqualTo(IncrementalStepRunReason.Unchanged));
        AssertNoSourceRegenerated(result);
    }

    [Test]
    public void RenamingAStepRegeneratesTheLock()
    {
        var (driver, compilation) = Start();
        var result = Rerun(driver, Edit(compilation, "class Greeter", s => s.Replace("\"compose\"", "\"compose-v2\"", StringComparison.Ordinal)));
        Assert.That(Reasons(result, TrackingNames.JournalManifests), Does.Contain(IncrementalStepRunReason.Modified));
        Assert.That(Reasons(result, TrackingNames.JournalLock), Is.All.EqualTo(IncrementalStepRunReason.Modified));
        Assert.That(JournalHarness.LockFileSource(result), Does.Contain("run \"compose-v2\" -> String@"));
    }
}
