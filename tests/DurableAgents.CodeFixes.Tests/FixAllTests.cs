using System.Collections.Immutable;
using DurableAgents.Analyzers;
using DurableAgents.Analyzers.Determinism;
using DurableAgents.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using ClockFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.ClockFixer>;
using CombinatorFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.CombinatorFixer>;
using DelayFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.DelayFixer>;
using GuidFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.GuidFixer>;
using PartialFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Declaration.DeclarationAnalyzer, DurableAgents.CodeFixes.MakePartialFixer>;
using RandomFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.RandomFixer>;
using WrapFix = DurableAgents.CodeFixes.Tests.Verifiers.CodeFixVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer, DurableAgents.CodeFixes.WrapInRunFixer>;

namespace DurableAgents.CodeFixes.Tests;

/// <summary>
/// Every fixer fixes a document with several occurrences in one Fix All (issue 21, point 5); AddJsonSerializableFixer's
/// own Fix All is covered in <see cref="AddJsonSerializableFixTests"/>.
/// </summary>
public class FixAllTests
{
    private static string Handler(string body) => $$"""
        [Service]
        public partial class Svc
        {
            private readonly System.Net.Http.HttpClient _http = new();

            [Handler]
            public async Task<string> Run(IContext ctx)
            {
                {{body}}
            }
        }
        """;

    private static DiagnosticResult At(string id, int location, params object[] arguments) =>
        ClockFix.Diagnostic(id).WithLocation(location).WithArguments(arguments);

    [Test]
    public async Task ClockFixerFixesAllOccurrences()
    {
        await ClockFix.VerifyFixAllAsync(
            Handler("var a = {|#0:DateTime.UtcNow|}; var b = {|#1:DateTime.Now|}.Hour; var c = {|#2:DateTimeOffset.UtcNow|}; return a + \" \" + b + c;"),
            [
                At(RuleIds.NonDeterministicClock, 0, "DateTime.UtcNow", "Svc.Run"),
                At(RuleIds.NonDeterministicClock, 1, "DateTime.Now", "Svc.Run"),
                At(RuleIds.NonDeterministicClock, 2, "DateTimeOffset.UtcNow", "Svc.Run"),
            ],
            Handler("var a = (await ctx.NowAsync()).UtcDateTime; var b = (await ctx.NowAsync()).LocalDateTime.Hour; var c = await ctx.NowAsync(); return a + \" \" + b + c;"));
    }

    [Test]
    public async Task GuidFixerFixesAllOccurrences()
    {
        await GuidFix.VerifyFixAllAsync(
            Handler("var a = {|#0:Guid.NewGuid()|}; var b = {|#1:Guid.NewGuid()|}; return a + \"\" + b;"),
            [At(RuleIds.NonDeterministicGuid, 0, "Guid.NewGuid", "Svc.Run"), At(RuleIds.NonDeterministicGuid, 1, "Guid.NewGuid", "Svc.Run")],
            Handler("var a = ctx.NewGuid(); var b = ctx.NewGuid(); return a + \"\" + b;"));
    }

    [Test]
    public async Task RandomFixerFixesAllOccurrences()
    {
        await RandomFix.VerifyFixAllAsync(
            Handler("var a = {|#0:Random.Shared|}.Next(10); var b = {|#1:new Random()|}.Next(1, 7); return a + \"\" + b;"),
            [At(RuleIds.NonDeterministicRandom, 0, "Random.Shared", "Svc.Run"), At(RuleIds.NonDeterministicRandom, 1, "new Random()", "Svc.Run")],
            Handler("var a = ctx.Random.Next(10); var b = ctx.Random.Next(1, 7); return a + \"\" + b;"));
    }

    [Test]
    public async Task DelayFixerFixesAllOccurrences()
    {
        await DelayFix.VerifyFixAllAsync(
            Handler("await {|#0:Task.Delay(TimeSpan.FromSeconds(5))|}; {|#1:Thread.Sleep(100)|}; return \"\";"),
            [At(RuleIds.NonDurableDelay, 0, "Task.Delay", "Svc.Run"), At(RuleIds.NonDurableDelay, 1, "Thread.Sleep", "Svc.Run")],
            Handler("await ctx.SleepAsync(TimeSpan.FromSeconds(5)); await ctx.SleepAsync(System.TimeSpan.FromMilliseconds(100)); return \"\";"));
    }

    [Test]
    public async Task CombinatorFixerFixesAllOccurrences()
    {
        const string Futures = """
            var a = ctx.RunAsync("a", ct => Task.FromResult(1));
            var b = ctx.SleepAsync(TimeSpan.FromSeconds(1));

            """;
        await CombinatorFix.VerifyFixAllAsync(
            Handler(Futures + "await {|#0:Task.WhenAny(a.AsTask(), b.AsTask())|}; await {|#1:Task.WhenAny(b.AsTask(), a.AsTask())|}; return \"\";"),
            [
                At(RuleIds.TaskCombinatorOverDurableFutures, 0, "Task.WhenAny", "Svc.Run", "WhenAny"),
                At(RuleIds.TaskCombinatorOverDurableFutures, 1, "Task.WhenAny", "Svc.Run", "WhenAny"),
            ],
            Handler(Futures + "await ctx.WhenAny(a, b); await ctx.WhenAny(b, a); return \"\";"));
    }

    [Test]
    public async Task WrapInRunFixerFixesAllOccurrences()
    {
        await WrapFix.VerifyFixAllAsync(
            Handler("""
                var page = await {|#0:_http.GetStringAsync("https://example.org")|};
                var text = {|#1:System.IO.File.ReadAllText("a.txt")|};
                {|#2:System.IO.File.WriteAllText("b.txt", text)|};
                return page + text;
                """),
            [
                At(RuleIds.IoOutsideStep, 0, "HttpClient.GetStringAsync", "Svc.Run"),
                At(RuleIds.IoOutsideStep, 1, "File.ReadAllText", "Svc.Run"),
                At(RuleIds.IoOutsideStep, 2, "File.WriteAllText", "Svc.Run"),
            ],
            Handler("""
                var page = await ctx.RunAsync("HttpClient.GetStringAsync", async ct => await _http.GetStringAsync("https://example.org"));
                var text = await ctx.RunAsync("File.ReadAllText", ct => System.Threading.Tasks.Task.FromResult(System.IO.File.ReadAllText("a.txt")));
                await ctx.RunAsync("File.WriteAllText", ct => { System.IO.File.WriteAllText("b.txt", text); return System.Threading.Tasks.Task.CompletedTask; });
                return page + text;
                """));
    }

    [Test]
    public async Task MakePartialFixerFixesAllOccurrences()
    {
        await PartialFix.VerifyFixAllAsync(
            """
            [Service]
            public sealed class {|#0:Greeter|}
            {
                [Handler] public Task Greet(IContext ctx) => Task.CompletedTask;
            }

            [VirtualObject]
            public class {|#1:Counter|}
            {
                [Handler] public Task Add(IObjectContext ctx) => Task.CompletedTask;
            }
            """,
            [
                PartialFix.Diagnostic(RuleIds.DurableClassMustBePartial).WithLocation(0).WithArguments("Greeter", "Service", "it"),
                PartialFix.Diagnostic(RuleIds.DurableClassMustBePartial).WithLocation(1).WithArguments("Counter", "VirtualObject", "it"),
            ],
            """
            [Service]
            public sealed partial class Greeter
            {
                [Handler] public Task Greet(IContext ctx) => Task.CompletedTask;
            }

            [VirtualObject]
            public partial class Counter
            {
                [Handler] public Task Add(IObjectContext ctx) => Task.CompletedTask;
            }
            """);
    }

    /// <summary>
    /// What <c>dotnet format</c> does: take the solution's first diagnostic, ask the fixer for its action, and run Fix All
    /// with that action's equivalence key. When the first occurrence has no fix (here: a synchronous handler, so no
    /// <c>await ctx.NowAsync()</c>) the key is null; the plain batch fixer then returns no action ("didn't return a Fix All
    /// action") while ours still fixes every other occurrence.
    /// </summary>
    [Test]
    public async Task FixAllWorksWhenTheFirstOccurrenceHasNoFixAsDotnetFormatAsksForIt()
    {
        const string Source = """
            [Service]
            public partial class Svc
            {
                [Handler] public Task<string> Sync(IContext ctx) => Task.FromResult(DateTime.UtcNow.ToString());
                [Handler] public async Task<string> A(IContext ctx) { await Task.Yield(); return DateTime.UtcNow.ToString(); }
                [Handler] public async Task<string> B(IContext ctx) { await Task.Yield(); return DateTime.UtcNow.ToString(); }
            }
            """;
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("App", LanguageNames.CSharp)
            .WithCompilationOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithMetadataReferences(TestSources.WithRuntime);
        var document = project.AddDocument("Svc.cs", SourceText.From(TestSources.Usings + Source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = (await compilation.WithAnalyzers([new DeterminismAnalyzer()]).GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id == RuleIds.NonDeterministicClock)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
        Assert.That(diagnostics, Has.Length.EqualTo(3));

        var fixer = new ClockFixer();
        CodeAction? firstAction = null;
        await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => firstAction ??= a, CancellationToken.None));
        Assert.That(firstAction, Is.Null, "the first occurrence (a synchronous handler) has no fix");

        FixAllContext Context() => new(document, fixer, FixAllScope.Solution, null!, [RuleIds.NonDeterministicClock], new Provider(diagnostics), CancellationToken.None);
        Assert.That(await WellKnownFixAllProviders.BatchFixer.GetFixAsync(Context()), Is.Null, "the plain batch fixer gives up (the dotnet format failure)");

        var action = await fixer.GetFixAllProvider().GetFixAsync(Context());
        Assert.That(action, Is.Not.Null);
        var operation = (await action!.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
        var text = (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
        Assert.That(text, Does.Contain("Task.FromResult(DateTime.UtcNow.ToString())"), "the unfixable occurrence is left alone");
        Assert.That(text.Split("(await ctx.NowAsync()).UtcDateTime.ToString()").Length - 1, Is.EqualTo(2), "both fixable occurrences are fixed");
    }

    private sealed class Provider(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
