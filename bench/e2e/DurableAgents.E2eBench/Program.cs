using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DurableAgents.E2eBench;
using DurableAgents.Testing;

// End-to-end benchmark: the same handlers on our SDK and on the official TypeScript SDK, both registered with one
// restate-server 1.7.12 (free loopback ports) per round and workload, driven in turn by the same closed-loop load
// generator, the side that goes first alternating per round; reports ratios ours/TS. See docs/benchmarks.md.
// Usually run through bench/run.sh.
//
// Options: --quick | --rounds N | --duration S | --warmup S | --concurrency 1,8,32,128 | --workloads noop,steps10,agent
//          --memory N (in-flight invocations for the memory probe, 0 = skip) | --out FILE.md | --server shared|fresh
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("""
        DurableAgents.E2eBench: our SDK vs the official TypeScript SDK on restate-server 1.7.12 (see docs/benchmarks.md)
          --quick                 1 round, 3 s points, concurrency 1,8, memory probe 100
          --rounds N              interleaved rounds (4; even, so each side goes first equally often)
          --duration S            seconds per point (10)          --warmup S   warm-up seconds at concurrency 8 (15)
          --concurrency 1,8,...   closed-loop workers per point (1,8,32,128)
          --workloads noop,steps10,agent (none: only the memory probe)
          --memory N              held invocations for the memory probe (2000; 0 = skip)
          --out FILE.md           results (default artifacts/bench/e2e-results.md, + .json)
          --sdks A,B              sides in run order; ratios are B/A (ts,dotnet)
          --dotnet-env K=V        environment for side B only (A/B of a runtime knob)
          --alt-service DIR       another build of our service for side B (A/B of a runtime change)
          --server shared|fresh   both sides on one restate-server per round and workload, first side alternating (shared),
                                  or each side on a fresh server of its own (fresh, the method of runs 1-11)
        """);
    return 0;
}

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var opt = Options.Parse(args);
var repo = FindRepo();
Console.WriteLine($"E2E benchmark: rounds={opt.Rounds} duration={opt.Duration}s warmup={opt.Warmup}s concurrency={string.Join(',', opt.Concurrency)} " +
                  $"workloads={string.Join(',', opt.Workloads)} memory={opt.MemoryInvocations}; {Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}");

var cleanup = new Cleanup();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cleanup.RunAndExit(130, "interrupted");
};
var budget = TimeSpan.FromSeconds(opt.Rounds * opt.Workloads.Length * 2 * (opt.Concurrency.Length * (opt.Duration + 2) + opt.Warmup + 20)
                                  + (opt.MemoryInvocations > 0 ? opt.Rounds * 2 * (opt.Warmup + 90) : 0) + 120);
using var watchdog = new Timer(_ => cleanup.RunAndExit(3, $"watchdog: the run exceeded its {budget} budget"), null, budget * 2, Timeout.InfiniteTimeSpan);

await using var model = await FakeModel.StartAsync();
cleanup.Add(() => model.DisposeAsync().AsTask());
var rows = new List<Row>();
var memory = new List<MemoryRow>();
var sdks = opt.Sdks;
var bodies = new Dictionary<string, (string Handler, byte[] Body)>
{
    ["noop"] = ("noop", """{"hello":"world"}"""u8.ToArray()),
    ["steps10"] = ("steps10", "{}"u8.ToArray()),
    ["agent"] = ("agentTurn", """{"message":"What is the weather in Paris?"}"""u8.ToArray()),
};
using var load = new LoadGenerator(Math.Max(opt.Concurrency.Max(), 64));

for (var round = 1; round <= opt.Rounds; round++)
{
    foreach (var workload in opt.Workloads)
    {
        var (handler, body) = bodies[workload];
        if (opt.SharedServer)
        {
            // Both sides on one restate-server: fresh server instances differ in speed by up to 2x (restate-server CPU per
            // invocation of the same build spread 6-14 ms across instances), which swamped a ratio taken across two servers.
            // The side that goes first alternates per round, so drift within a server's life (its storage growing) cancels.
            // An even number of rounds balances the order exactly. The side measured first is warmed up last, so that no
            // point runs while the other side's warm-up (its JIT still compiling in the background) is fresh.
            await using var env = await BenchEnv.StartAsync([.. Enumerable.Range(0, sdks.Length)], repo, model.Uri, cleanup, opt, shareServer: true);
            var order = round % 2 == 1 ? env.Sides.ToArray() : env.Sides.Reverse().ToArray();
            foreach (var side in order.Reverse())
            {
                await FirstAndWarmUp(load, env, side, workload, handler, body, opt.Warmup);
            }

            foreach (var c in opt.Concurrency)
            {
                foreach (var side in order)
                {
                    var row = await Measure(env, side, load, side.Uri(env, handler), body, round, workload, c, opt.Duration);
                    rows.Add(row);
                    Console.WriteLine(row.ToLine());
                }
            }
        }
        else
        {
            for (var index = 0; index < sdks.Length; index++)
            {
                await using var env = await BenchEnv.StartAsync([index], repo, model.Uri, cleanup, opt, shareServer: false);
                var side = env.Sides[0];
                await FirstAndWarmUp(load, env, side, workload, handler, body, opt.Warmup);
                foreach (var c in opt.Concurrency)
                {
                    var row = await Measure(env, side, load, side.Uri(env, handler), body, round, workload, c, opt.Duration);
                    rows.Add(row);
                    Console.WriteLine(row.ToLine());
                }
            }
        }
    }

    if (opt.MemoryInvocations > 0)
    {
        // a fresh server per side: RSS growth of the server is only attributable with one service on it
        for (var index = 0; index < sdks.Length; index++)
        {
            await using var env = await BenchEnv.StartAsync([index], repo, model.Uri, cleanup, opt, shareServer: false);
            // Its own short warm-up (3 s, as in every recorded run): after a long warm-up the TypeScript service's heap had
            // grown enough headroom to absorb 500 held invocations without any RSS change (0.4 KiB/invocation in run 4;
            // rounds 1-2 of run 13 again, after 3 s). 2000 held since run 15: both sides' figures were steady at that size.
            var m = await MeasureMemory(env, env.Sides[0], load, round, opt.MemoryInvocations, warmup: 3);
            memory.Add(m);
            Console.WriteLine(m.ToLine());
        }
    }
}

var report = Report.Build(rows, memory, opt);
Console.WriteLine();
Console.WriteLine(report);
var outPath = opt.Out ?? Path.Combine(repo, "artifacts", "bench", "e2e-results.md");
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
await File.WriteAllTextAsync(outPath, report);
await File.WriteAllTextAsync(Path.ChangeExtension(outPath, ".json"), JsonSerializer.Serialize(new { rows, memory }, new JsonSerializerOptions { WriteIndented = true, IncludeFields = true }));
Console.WriteLine($"results written to {outPath} (+ .json)");
return 0;

static async Task FirstAndWarmUp(LoadGenerator load, BenchEnv env, BenchSide side, string workload, string handler, byte[] body, int warmup)
{
    var uri = side.Uri(env, handler);
    if (!await load.SendAsync(uri, body))
    {
        throw new InvalidOperationException($"{side.Sdk} {workload}: the first invocation failed: {load.LastError}");
    }

    // Warm-up: connections, server caches and the JIT. 15 s by default: .NET tiered compilation (with dynamic PGO) was still
    // compiling in the background after 3 s, which charged our first point (concurrency 1) up to 2.5x its steady-state CPU.
    await load.RunAsync(uri, body, 8, TimeSpan.FromSeconds(warmup));
}

static async Task<Row> Measure(BenchEnv env, BenchSide side, LoadGenerator load, Uri uri, byte[] body, int round, string workload, int concurrency, int seconds)
{
    var sdk = side.Sdk;
    var self = Process.GetCurrentProcess();
    var svc0 = ProcStat.CpuMs(side.Service.Pid);
    var srv0 = ProcStat.CpuMs(env.ServerPid);
    self.Refresh();
    var gen0 = self.TotalProcessorTime.TotalMilliseconds;
    var (busy0, total0) = ProcStat.Machine();
    var result = await load.RunAsync(uri, body, concurrency, TimeSpan.FromSeconds(seconds));
    var svc = ProcStat.CpuMs(side.Service.Pid) - svc0;
    var srv = ProcStat.CpuMs(env.ServerPid) - srv0;
    self.Refresh();
    var gen = self.TotalProcessorTime.TotalMilliseconds - gen0;
    var (busy1, _) = ProcStat.Machine();
    var wallMs = result.Seconds * 1000;
    var n = Math.Max(1, result.Completed);
    return new Row(round, workload, sdk, concurrency, result.Completed, result.Errors, result.Throughput, result.P50Ms, result.P99Ms,
        svc / n, srv / n, svc / wallMs, srv / wallMs, gen / wallMs, Math.Max(0, busy1 - busy0 - svc - srv - gen) / wallMs);
}

static async Task<MemoryRow> MeasureMemory(BenchEnv env, BenchSide side, LoadGenerator load, int round, int count, int warmup)
{
    var sdk = side.Sdk;
    var noop = side.Uri(env, "noop");
    var hold = side.Uri(env, "hold/send");
    await load.RunAsync(noop, """{"hello":"world"}"""u8.ToArray(), 8, TimeSpan.FromSeconds(warmup));
    const int warmHolds = 20; // the hold path warmed up (JIT, first streams) before the baseline
    await SendHolds(load, hold, warmHolds);
    await WaitRunning(env, warmHolds, TimeSpan.FromSeconds(30));
    await Task.Delay(2000);
    var svc0 = ProcStat.RssKiB(side.Service.Pid);
    var srv0 = ProcStat.RssKiB(env.ServerPid);
    await SendHolds(load, hold, count);
    var running = await WaitRunning(env, warmHolds + count, TimeSpan.FromSeconds(60));
    await Task.Delay(3000); // let the last streams settle
    var svc1 = ProcStat.RssKiB(side.Service.Pid);
    var srv1 = ProcStat.RssKiB(env.ServerPid);
    // Only invocations the server has started hold memory in the service: divide by those (all of them, normally).
    var held = Math.Clamp(running - warmHolds, 1, count);
    if (held < count)
    {
        Console.Error.WriteLine($"  r{round} memory {sdk}: only {held} of {count} held invocations were running after 60 s; per-invocation figures use {held}");
    }

    return new MemoryRow(round, sdk, count, running - warmHolds, svc0, svc1, srv0, srv1,
        (svc1 - svc0) / (double)held, (srv1 - srv0) / (double)held);
}

static async Task SendHolds(LoadGenerator load, Uri hold, int count)
{
    var next = 0;
    var failures = 0;
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) <= count)
        {
            if (!await load.SendAsync(hold, []))
            {
                Interlocked.Increment(ref failures);
            }
        }
    }));
    if (failures > 0)
    {
        throw new InvalidOperationException($"{failures} hold sends failed: {load.LastError}");
    }
}

static async Task<int> WaitRunning(BenchEnv env, int expected, TimeSpan timeout)
{
    var deadline = Stopwatch.StartNew();
    var running = 0;
    while (deadline.Elapsed < timeout)
    {
        var result = await env.Server.QueryAsync("SELECT count(*) AS n FROM sys_invocation WHERE status = 'running'");
        running = result.Count > 0 ? (int)result[0]!["n"]!.GetValue<long>() : 0;
        if (running >= expected)
        {
            break;
        }

        await Task.Delay(500);
    }

    return running;
}

static string FindRepo()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Generator.sln")))
            {
                return dir.FullName;
            }
        }
    }

    throw new DirectoryNotFoundException("run from inside the repository (Generator.sln not found)");
}

namespace DurableAgents.E2eBench
{
    internal sealed record Options(int Rounds, int Duration, int Warmup, int[] Concurrency, string[] Workloads, int MemoryInvocations, string? Out, bool Quick)
    {
        /// <summary>The two sides compared, in run order per round (ratios are the second over the first).</summary>
        public string[] Sdks { get; init; } = ["ts", "dotnet"];

        /// <summary>Extra environment for the last side only (e.g. runtime knobs for an A/B run of `--sdks dotnet,dotnet-tuned`).</summary>
        public Dictionary<string, string> DotnetEnv { get; init; } = [];

        /// <summary>Both sides on one restate-server per round and workload (default), or each on a fresh server of its own (`--server fresh`).</summary>
        public bool SharedServer { get; init; } = true;

        /// <summary>Another build of our service for the last side (A/B of a runtime change: `--sdks dotnet,dotnet-b --alt-service DIR`).</summary>
        public string? AltService { get; init; }

        public static Options Parse(string[] args)
        {
            var dotnetEnv = new Dictionary<string, string>();
            var quick = args.Contains("--quick");
            var o = quick
                ? new Options(1, 3, 2, [1, 8], ["noop", "steps10", "agent"], 100, null, true)
                : new Options(4, 10, 15, [1, 8, 32, 128], ["noop", "steps10", "agent"], 2000, null, false);
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--quick" => o,
                    "--rounds" => o with { Rounds = int.Parse(Next()) },
                    "--duration" => o with { Duration = int.Parse(Next()) },
                    "--warmup" => o with { Warmup = int.Parse(Next()) },
                    "--concurrency" => o with { Concurrency = Next().Split(',').Select(int.Parse).ToArray() },
                    "--workloads" => Next() switch
                    {
                        "none" => o with { Workloads = [] },
                        var w => o with { Workloads = w.Split(',') },
                    },
                    "--memory" => o with { MemoryInvocations = int.Parse(Next()) },
                    "--out" => o with { Out = Path.GetFullPath(Next()) },
                    "--sdks" => o with { Sdks = Next().Split(',') },
                    "--dotnet-env" => AddEnv(o, dotnetEnv, Next()),
                    "--alt-service" => o with { AltService = Path.GetFullPath(Next()) },
                    "--server" => Next() switch
                    {
                        "shared" => o with { SharedServer = true },
                        "fresh" => o with { SharedServer = false },
                        var v => throw new ArgumentException($"--server takes shared or fresh, not {v}"),
                    },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }

            if (o.Sdks.Distinct(StringComparer.Ordinal).Count() != o.Sdks.Length)
            {
                throw new ArgumentException("--sdks needs distinct names (rows are grouped by them): e.g. dotnet,dotnet-b");
            }

            return o with { DotnetEnv = dotnetEnv };
        }

        private static Options AddEnv(Options o, Dictionary<string, string> env, string assignment)
        {
            var eq = assignment.IndexOf('=');
            env[assignment[..eq]] = assignment[(eq + 1)..];
            return o;
        }
    }

    /// <summary>One measured point.</summary>
    internal sealed record Row(int Round, string Workload, string Sdk, int Concurrency, int Completed, int Errors, double Throughput, double P50Ms, double P99Ms,
        double ServiceCpuMsPerInv, double ServerCpuMsPerInv, double ServiceCores, double ServerCores, double LoadGenCores, double OtherCores)
    {
        public string ToLine() =>
            $"  r{Round} {Workload,-8} {Sdk,-6} c={Concurrency,-4} {Throughput,8:F0}/s p50 {P50Ms,7:F2} p99 {P99Ms,7:F2} ms  cpu/inv svc {ServiceCpuMsPerInv:F3} srv {ServerCpuMsPerInv:F3} ms  " +
            $"cores svc {ServiceCores:F2} srv {ServerCores:F2} gen {LoadGenCores:F2} other {OtherCores:F2}  n={Completed} err={Errors}";
    }

    /// <summary>One memory probe: RSS before and after <c>Count</c> invocations blocked in an awakeable.</summary>
    internal sealed record MemoryRow(int Round, string Sdk, int Count, int Running, long ServiceRss0KiB, long ServiceRss1KiB, long ServerRss0KiB, long ServerRss1KiB,
        double ServiceKiBPerInv, double ServerKiBPerInv)
    {
        public string ToLine() =>
            $"  r{Round} memory   {Sdk,-6} {Count} held ({Running} running): service {ServiceRss0KiB / 1024.0:F1}->{ServiceRss1KiB / 1024.0:F1} MiB = {ServiceKiBPerInv:F1} KiB/inv, " +
            $"server {ServerRss0KiB / 1024.0:F1}->{ServerRss1KiB / 1024.0:F1} MiB = {ServerKiBPerInv:F1} KiB/inv";
    }

    /// <summary>One side of the comparison: a service process and the name its Bench service is registered under.</summary>
    internal sealed record BenchSide(string Sdk, ServiceProcess Service, string ServiceName)
    {
        public Uri Uri(BenchEnv env, string handler) => new(env.Server.IngressUri, $"{ServiceName}/{handler}");
    }

    /// <summary>A fresh restate-server and one or both sides' service processes, registered with it.</summary>
    internal sealed class BenchEnv : IAsyncDisposable
    {
        private readonly Cleanup _cleanup;
        private readonly Func<Task> _kill;

        private BenchEnv(RestateServer server, int serverPid, IReadOnlyList<BenchSide> sides, Cleanup cleanup, Func<Task> kill)
        {
            Server = server;
            ServerPid = serverPid;
            Sides = sides;
            _cleanup = cleanup;
            _kill = kill;
        }

        public RestateServer Server { get; }

        public int ServerPid { get; }

        /// <summary>The sides served by this server, in the order of <see cref="Options.Sdks"/>.</summary>
        public IReadOnlyList<BenchSide> Sides { get; }

        /// <summary>
        /// Starts a server and the sides <paramref name="indexes"/> of <see cref="Options.Sdks"/>. Sharing a server, each side's
        /// service is renamed BenchA, BenchB (names of equal length, so both journal the same bytes); alone it stays Bench.
        /// </summary>
        public static async Task<BenchEnv> StartAsync(int[] indexes, string repo, Uri modelUri, Cleanup cleanup, Options opt, bool shareServer)
        {
            var server = await RestateServer.StartAsync(new RestateServerOptions
            {
                Environment = new Dictionary<string, string>
                {
                    // the memory probe keeps invocations open in the service for a while
                    ["RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT"] = "10min",
                    ["RESTATE_WORKER__INVOKER__ABORT_TIMEOUT"] = "10min",
                },
            });
            var sides = new List<BenchSide>();
            Func<Task> kill = async () =>
            {
                foreach (var side in sides)
                {
                    await side.Service.DisposeAsync();
                }

                await server.DisposeAsync();
            };
            cleanup.Add(kill);
            try
            {
                var pid = ProcStat.FindProcess(server.BaseDirectory) ?? throw new InvalidOperationException("restate-server pid not found");
                foreach (var index in indexes)
                {
                    var sdk = opt.Sdks[index];
                    var last = index == opt.Sdks.Length - 1;
                    var name = shareServer ? "Bench" + (char)('A' + index) : "Bench";
                    var environment = new Dictionary<string, string>(last ? opt.DotnetEnv : []);
                    if (shareServer)
                    {
                        environment["BENCH_SERVICE_NAME"] = name;
                    }

                    var service = await ServiceProcess.StartAsync(sdk, repo, modelUri, environment,
                        last && opt.AltService is not null && sdk != "ts" ? opt.AltService : null);
                    sides.Add(new BenchSide(sdk, service, name));
                    await server.RegisterAsync(service.Uri);
                }

                return new BenchEnv(server, pid, sides, cleanup, kill);
            }
            catch
            {
                cleanup.Remove(kill);
                await kill();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _cleanup.Remove(_kill);
            await _kill();
        }
    }

    /// <summary>What must be stopped if the run is interrupted or exceeds its budget.</summary>
    internal sealed class Cleanup
    {
        private readonly List<Func<Task>> _actions = [];

        public void Add(Func<Task> action)
        {
            lock (_actions)
            {
                _actions.Add(action);
            }
        }

        public void Remove(Func<Task> action)
        {
            lock (_actions)
            {
                _actions.Remove(action);
            }
        }

        public void RunAndExit(int code, string reason)
        {
            Console.Error.WriteLine($"stopping: {reason}");
            Func<Task>[] actions;
            lock (_actions)
            {
                actions = [.. _actions];
            }

            foreach (var a in actions.Reverse())
            {
                try
                {
                    a().Wait(TimeSpan.FromSeconds(15));
                }
                catch (AggregateException)
                {
                }
            }

            Environment.Exit(code);
        }
    }

    internal static class Report
    {
        public static string Build(List<Row> rows, List<MemoryRow> memory, Options opt)
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"TS = `{opt.Sdks[0]}`, ours = `{opt.Sdks[^1]}`{(opt.DotnetEnv.Count > 0 ? $" (env {string.Join(' ', opt.DotnetEnv.Select(kv => kv.Key + "=" + kv.Value))})" : "")}. Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}.");
            sb.AppendLine(CultureInfo.InvariantCulture, $"Medians over {opt.Rounds} interleaved round(s) ({(opt.SharedServer ? "both services on one fresh restate-server per round and workload, TS first in odd rounds and ours first in even ones" : "TS then ours, fresh restate-server per SDK and workload")}), {opt.Duration} s per point after a {opt.Warmup} s warm-up; ratio = median of the per-round ratios ours/TS.");
            if (rows.Count > 0)
            {
                AppendPoints(sb, rows, opt); // none with --workloads none (only the memory probe)
            }

            if (memory.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("| memory per in-flight invocation | TS | ours | ratio |");
                sb.AppendLine("|---|---|---|---|");
                var ts = memory.Where(m => m.Sdk == opt.Sdks[0]).ToList();
                var us = memory.Where(m => m.Sdk == opt.Sdks[^1]).ToList();
                sb.AppendLine(CultureInfo.InvariantCulture, $"| service RSS KiB / invocation ({ts.FirstOrDefault()?.Count} held in an awakeable) | {Median(ts.Select(m => m.ServiceKiBPerInv)):F1} | {Median(us.Select(m => m.ServiceKiBPerInv)):F1} | **{Median(us.Select(m => m.ServiceKiBPerInv)) / Median(ts.Select(m => m.ServiceKiBPerInv)):F2}x** |");
                sb.AppendLine(CultureInfo.InvariantCulture, $"| restate-server RSS KiB / invocation | {Median(ts.Select(m => m.ServerKiBPerInv)):F1} | {Median(us.Select(m => m.ServerKiBPerInv)):F1} | {Median(us.Select(m => m.ServerKiBPerInv)) / Median(ts.Select(m => m.ServerKiBPerInv)):F2}x |");
                sb.AppendLine(CultureInfo.InvariantCulture, $"| service RSS before the probe, MiB | {Median(ts.Select(m => m.ServiceRss0KiB / 1024.0)):F1} | {Median(us.Select(m => m.ServiceRss0KiB / 1024.0)):F1} | |");
                sb.AppendLine(CultureInfo.InvariantCulture, $"| invocations seen running by the server (of held) | {string.Join(", ", ts.Select(m => m.Running))} | {string.Join(", ", us.Select(m => m.Running))} | |");
            }

            return sb.ToString();
        }

        private static void AppendPoints(StringBuilder sb, List<Row> rows, Options opt)
        {
            sb.AppendLine();
            sb.AppendLine("| workload | conc | inv/s TS | inv/s ours | **thr ratio** | p50 ms TS / ours | p99 ms TS / ours | service CPU ms/inv TS / ours | **svc CPU ratio** | server CPU ms/inv TS / ours | other load (cores) |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var g in rows.GroupBy(r => (r.Workload, r.Concurrency)))
            {
                var ts = g.Where(r => r.Sdk == opt.Sdks[0]).ToList();
                var us = g.Where(r => r.Sdk == opt.Sdks[^1]).ToList();
                if (ts.Count == 0 || us.Count == 0)
                {
                    continue;
                }

                double Ratio(Func<Row, double> f) => Median(us.Join(ts, u => u.Round, t => t.Round, (u, t) => f(u) / f(t)));
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {g.Key.Workload} | {g.Key.Concurrency} | {Median(ts.Select(r => r.Throughput)):F0} | {Median(us.Select(r => r.Throughput)):F0} | **{Ratio(r => r.Throughput):F2}x** | " +
                    $"{Median(ts.Select(r => r.P50Ms)):F2} / {Median(us.Select(r => r.P50Ms)):F2} | {Median(ts.Select(r => r.P99Ms)):F1} / {Median(us.Select(r => r.P99Ms)):F1} | " +
                    $"{Median(ts.Select(r => r.ServiceCpuMsPerInv)):F3} / {Median(us.Select(r => r.ServiceCpuMsPerInv)):F3} | **{Ratio(r => r.ServiceCpuMsPerInv):F2}x** | " +
                    $"{Median(ts.Select(r => r.ServerCpuMsPerInv)):F3} / {Median(us.Select(r => r.ServerCpuMsPerInv)):F3} | {Median(g.Select(r => r.OtherCores)):F2} |");
            }

            if (opt.Rounds > 1)
            {
                sb.AppendLine();
                sb.AppendLine("Per-round ratios ours/TS, throughput / service CPU:");
                sb.AppendLine();
                sb.AppendLine("| workload | conc | " + string.Join(" | ", Enumerable.Range(1, opt.Rounds).Select(r => $"round {r}")) + " |");
                sb.AppendLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", opt.Rounds)));
                foreach (var g in rows.GroupBy(r => (r.Workload, r.Concurrency)))
                {
                    var cells = Enumerable.Range(1, opt.Rounds).Select(round =>
                    {
                        var t = g.FirstOrDefault(r => r.Round == round && r.Sdk == opt.Sdks[0]);
                        var u = g.FirstOrDefault(r => r.Round == round && r.Sdk == opt.Sdks[^1]);
                        return t is null || u is null ? "-" : string.Create(CultureInfo.InvariantCulture,
                            $"{u.Throughput / t.Throughput:F2}x / {u.ServiceCpuMsPerInv / t.ServiceCpuMsPerInv:F2}x");
                    });
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key.Workload} | {g.Key.Concurrency} | {string.Join(" | ", cells)} |");
                }
            }

            var errors = rows.Sum(r => r.Errors);
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Failed requests over the whole run: {errors}.");
        }

        private static double Median(IEnumerable<double> values)
        {
            var a = values.Where(v => !double.IsNaN(v)).Order().ToArray();
            return a.Length == 0 ? double.NaN : a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
        }
    }
}
