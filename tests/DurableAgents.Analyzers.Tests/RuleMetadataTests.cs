using System.Reflection;
using System.Text.RegularExpressions;
using DurableAgents.Analyzers.Context;
using DurableAgents.Analyzers.Declaration;
using DurableAgents.Analyzers.Determinism;
using DurableAgents.Analyzers.JournalLock;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Tests;

/// <summary>Descriptors, docs pages, release tracking and known type names stay in step.</summary>
public class RuleMetadataTests
{
    private static readonly DiagnosticAnalyzer[] Analyzers =
        [new DeclarationAnalyzer(), new JsonMetadataAnalyzer(), new UndeclaredToolAnalyzer(), new McpServerAnalyzer(), new DeterminismAnalyzer(), new ToolStaticStateAnalyzer(), new ContextUsageAnalyzer(), new StepMutationAnalyzer(), new CatchAnalyzer(), new JournalLockAnalyzer()];

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors => DiagnosticDescriptors.All;

    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Generator.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("Repository root (Generator.sln) not found above " + TestContext.CurrentContext.TestDirectory);
    }

    [Test]
    public void IdsAreUniqueAndRanged()
    {
        var ids = AllDescriptors.Select(d => d.Id).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.Count.EqualTo(38));
        foreach (var d in AllDescriptors)
        {
            var expected = d.Id[2] switch
            {
                '1' => RuleCategories.Declaration,
                '2' => RuleCategories.Determinism,
                '3' => RuleCategories.Context,
                _ => RuleCategories.JournalLock,
            };
            Assert.That(d.Category, Is.EqualTo(expected), d.Id);
        }
    }

    [Test]
    public void EveryDescriptorIsSupportedByExactlyOneAnalyzer()
    {
        foreach (var d in AllDescriptors)
        {
            var owners = Analyzers.Count(a => a.SupportedDiagnostics.Any(s => s.Id == d.Id));
            Assert.That(owners, Is.EqualTo(1), d.Id);
        }

        var supported = Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(s => s.Id).Distinct();
        Assert.That(supported, Is.EquivalentTo(AllDescriptors.Select(d => d.Id)));
    }

    [Test]
    public void CompilationEndTwinsMatchTheirLiveDescriptor()
    {
        var end = new DeterminismAnalyzer().SupportedDiagnostics.Where(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)).ToList();
        Assert.That(end, Has.Count.EqualTo(14));
        foreach (var twin in end)
        {
            var live = AllDescriptors.Single(d => d.Id == twin.Id);
            Assert.That((twin.Title.ToString(), twin.MessageFormat.ToString(), twin.Category, twin.DefaultSeverity, twin.HelpLinkUri),
                Is.EqualTo((live.Title.ToString(), live.MessageFormat.ToString(), live.Category, live.DefaultSeverity, live.HelpLinkUri)), twin.Id);
        }
    }

    [Test]
    public void ReplayHazardsAreWarningsAndOnlyAdviceIsInfo()
    {
        // Determinism and context rules are replay hazards: they must show in `dotnet build`. Info is kept only for
        // advice that does not change what replays (DA1005, a tool without a description; see docs/rules/DA1005.md) and
        // for a journal change that replays safely but is not in the lock yet (DA4003).
        var belowWarning = AllDescriptors.Where(d => d.DefaultSeverity < DiagnosticSeverity.Warning).Select(d => d.Id);
        Assert.That(belowWarning, Is.EquivalentTo(new[] { RuleIds.ToolWithoutDescription, RuleIds.JournalCompatibleChange }));
        Assert.That(AllDescriptors.All(d => d.IsEnabledByDefault), Is.True);
    }

    [Test]
    public void EveryDescriptorLinksToItsDocsPageAndThePageExists()
    {
        foreach (var d in AllDescriptors)
        {
            Assert.That(d.HelpLinkUri, Is.EqualTo($"docs/rules/{d.Id}.md"), d.Id);
            var page = RepoFile("docs", "rules", d.Id + ".md");
            Assert.That(File.Exists(page), Is.True, page);
            var text = File.ReadAllText(page);
            Assert.That(text, Does.StartWith($"# {d.Id}: {d.Title}"), d.Id);
            Assert.That(text, Does.Contain("## Bad").And.Contain("## Good").And.Contain("## The fix").And.Contain($"dotnet_diagnostic.{d.Id}.severity"), d.Id);
        }

        var pages = Directory.GetFiles(RepoFile("docs", "rules"), "DA*.md").Select(Path.GetFileNameWithoutExtension);
        Assert.That(pages, Is.EquivalentTo(AllDescriptors.Select(d => d.Id)), "a page without a rule");
    }

    [Test]
    public void EveryDescriptorHasAReleaseEntryWithItsCategoryAndSeverity()
    {
        var text = File.ReadAllText(RepoFile("analyzers", "DurableAgents.Analyzers", "AnalyzerReleases.Shipped.md"))
            + File.ReadAllText(RepoFile("analyzers", "DurableAgents.Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (var d in AllDescriptors)
        {
            var row = Regex.Match(text, $@"^{d.Id}\s*\|\s*([\w.]+)\s*\|\s*(\w+)\s*\|", RegexOptions.Multiline);
            Assert.That(row.Success, Is.True, $"{d.Id} missing from AnalyzerReleases");
            Assert.That((row.Groups[1].Value, row.Groups[2].Value), Is.EqualTo((d.Category, d.DefaultSeverity.ToString())), d.Id);
        }
    }

    [Test]
    public void KnownTypeNamesMatchTheRuntimeTypes()
    {
        var runtime = typeof(global::DurableAgents.IContext).Assembly;
        var fields = typeof(KnownTypeNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && ((string)f.GetRawConstantValue()!).StartsWith("DurableAgents.", StringComparison.Ordinal))
            .ToList();
        Assert.That(fields, Has.Count.GreaterThanOrEqualTo(20));
        foreach (var field in fields)
        {
            var name = (string)field.GetRawConstantValue()!;
            Assert.That(runtime.GetType(name), Is.Not.Null, $"{field.Name} = {name} is not a type of the runtime assembly");
        }

        Assert.That(typeof(global::DurableAgents.IContext).FullName, Is.EqualTo(KnownTypeNames.IContext));
        Assert.That(typeof(global::DurableAgents.DurableFuture<>).FullName, Is.EqualTo(KnownTypeNames.DurableFutureOfT));
        Assert.That(typeof(global::DurableAgents.DeterministicAttribute).FullName, Is.EqualTo(KnownTypeNames.DeterministicAttribute));
    }

    [Test]
    public void AnalyzerAssemblyDoesNotReferenceTheRuntimeOrWorkspaces()
    {
        var references = typeof(DeterminismAnalyzer).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.That(references, Does.Not.Contain("DurableAgents"));
        Assert.That(references, Does.Not.Contain("Microsoft.CodeAnalysis.Workspaces"));
        Assert.That(references, Does.Not.Contain("Microsoft.CodeAnalysis.CSharp.Workspaces"));
    }
}
