using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>Method groups are calls (issue 16, part 1): the API catalogue sees them, unless they go to a step.</summary>
public class MethodGroupTests
{
    [Test]
    public async Task LibraryMethodGroupsInDurableCodeAreReported()
    {
        await VerifyCS.VerifyAsync("""
            using System.IO;
            using System.Linq;

            [Service]
            public partial class Files
            {
                [Handler]
                public async Task<int> Count(IContext ctx, string[] paths)
                {
                    var existing = paths.Where({|#0:File.Exists|}).Count();
                    var temp = new Lazy<string>({|#1:Path.GetTempFileName|});
                    await {|#2:Task.Run({|#3:Guid.NewGuid|})|};
                    return existing + temp.Value.Length;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.IoOutsideStep).WithLocation(0).WithArguments("File.Exists", "Files.Count"),
            VerifyCS.Diagnostic(RuleIds.NonDeterministicRandom).WithLocation(1).WithArguments("Path.GetTempFileName", "Files.Count"),
            VerifyCS.Diagnostic(RuleIds.UnjournaledConcurrency).WithLocation(2).WithArguments("Task.Run", "Files.Count"),
            VerifyCS.Diagnostic(RuleIds.NonDeterministicGuid).WithLocation(3).WithArguments("Guid.NewGuid", "Files.Count"));
    }

    [Test]
    public async Task UserMethodGroupIsACallGraphEdge()
    {
        await VerifyCS.VerifyAsync("""
            using System.Linq;

            [Service]
            public partial class Files
            {
                [Handler]
                public Task<string[]> Stamp(IContext ctx, string[] names) => Task.FromResult(names.Select(Helper.Stamp).ToArray());
            }

            public static class Helper
            {
                public static string Stamp(string name) => name + {|#0:DateTime.UtcNow|};
            }
            """,
            VerifyCS.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0).WithArguments("DateTime.UtcNow", "Files.Stamp → Helper.Stamp"));
    }

    [Test]
    public async Task MethodGroupsGoingToAStepAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            using System.IO;

            [Service]
            public partial class Files
            {
                [Handler]
                public async Task<string> Read(IContext ctx, string path)
                {
                    var text = await ctx.RunAsync(nameof(ReadStep), ReadStep);
                    var temp = await Steps.Journal(ctx, Path.GetTempFileName);
                    Func<string> stored = Path.GetRandomFileName;
                    var other = await Steps.Journal(ctx, stored);
                    return text + temp + other + nameof(File.Exists);
                }

                private static Task<string> ReadStep(CancellationToken ct) => File.ReadAllTextAsync("a.txt", ct);
            }

            public static class Steps
            {
                public static async Task<T> Journal<T>(IContext ctx, Func<T> body) => await ctx.RunAsync("journal", _ => Task.FromResult(body()));
            }
            """);
    }

    [Test]
    public async Task LibraryMethodGroupPassedToAHelperThatRunsItIsReported()
    {
        await VerifyCS.VerifyAsync("""
            using System.IO;

            [Service]
            public partial class Files
            {
                [Handler]
                public Task<string> Temp(IContext ctx)
                {
                    Func<string> stored = {|#1:Path.GetRandomFileName|};
                    return Task.FromResult(Helper.Invoke({|#0:Path.GetTempFileName|}) + stored());
                }
            }

            public static class Helper
            {
                public static string Invoke(Func<string> body) => body();
            }
            """,
            VerifyCS.Diagnostic(RuleIds.NonDeterministicRandom).WithLocation(0).WithArguments("Path.GetTempFileName", "Files.Temp"),
            VerifyCS.Diagnostic(RuleIds.NonDeterministicRandom).WithLocation(1).WithArguments("Path.GetRandomFileName", "Files.Temp → stored"));
    }
}
