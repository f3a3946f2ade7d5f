using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace DurableAgents.Benchmarks;

/// <summary>
/// dotnet run -c Release --project bench/DurableAgents.Benchmarks -- --filter '*'
/// The default job is short (in process, 3 warm-up, 5 measured iterations) so the whole suite fits in a few minutes on
/// two shared cores; pass e.g. `--job default` for BenchmarkDotNet's full statistics, `--quick` for a one-iteration smoke run.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Min)
            .WithOptions(ConfigOptions.JoinSummary);
        var quick = args.Contains("--quick");
        args = [.. args.Where(a => a != "--quick")];
        if (quick)
        {
            // smoke check: one in-process iteration of each benchmark
            config = config.AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        }
        else if (!args.Any(a => a.StartsWith("--job", StringComparison.Ordinal) || a == "-j"))
        {
            // in process: no per-run rebuild of the runtime, generator and analyzers (that alone exceeds BenchmarkDotNet's
            // build timeout on two busy cores)
            config = config.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
