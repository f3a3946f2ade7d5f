using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// DA2011 (durable code reads process-local static state) and DA2015 (durable code changes it): mutable statics,
/// static collections, static readonly values initialized from non-deterministic sources, and the deterministic
/// statics that must stay quiet.
/// </summary>
public class StaticStateTests
{
    private static DiagnosticResult Read(int location, string member, string state, string chain = "Svc.Run") =>
        VerifyCS.Diagnostic(RuleIds.MutableStaticRead).WithLocation(location).WithArguments(member, chain, state);

    private static DiagnosticResult Write(int location, string member, string how, string chain = "Svc.Run") =>
        VerifyCS.Diagnostic(RuleIds.StaticStateWrite).WithLocation(location).WithArguments(member, chain, how);

    private static string Initialized(string api) => "a static whose value comes from " + api + " (each process has its own)";

    [Test]
    public async Task ReadonlyStaticsWithNonDeterministicInitializersAreReported()
    {
        await VerifyCS.VerifyAsync("""
            public static class Process
            {
                public static readonly string InstanceId = Guid.NewGuid().ToString("N");
                public static readonly DateTime StartedAt = DateTime.UtcNow;
                public static readonly int Seed = Random.Shared.Next();
                public static readonly long Ticks = Environment.TickCount64;
                public static readonly string Host = Environment.MachineName;
                public static readonly System.Diagnostics.Stopwatch Uptime = System.Diagnostics.Stopwatch.StartNew();
                public static Guid Token { get; } = Guid.NewGuid();
                public static readonly Guid FromConstructor;

                static Process() { FromConstructor = Guid.NewGuid(); }
            }

            [Service]
            public partial class Svc
            {
                [Handler]
                public Task<string> Run(IContext ctx) => Task.FromResult(
                    {|#0:Process.InstanceId|} + {|#1:Process.StartedAt|} + {|#2:Process.Seed|} + {|#3:Process.Ticks|}
                    + {|#4:Process.Host|} + {|#5:Process.Uptime|}.Elapsed + {|#6:Process.Token|} + {|#7:Process.FromConstructor|});
            }
            """,
            Read(0, "Process.InstanceId", Initialized("Guid.NewGuid")),
            Read(1, "Process.StartedAt", Initialized("DateTime.UtcNow")),
            Read(2, "Process.Seed", Initialized("Random.Shared")),
            Read(3, "Process.Ticks", Initialized("Environment.TickCount64")),
            Read(4, "Process.Host", Initialized("Environment.MachineName")),
            Read(5, "Process.Uptime", Initialized("Stopwatch.StartNew")),
            Read(6, "Process.Token", Initialized("Guid.NewGuid")),
            Read(7, "Process.FromConstructor", Initialized("Guid.NewGuid")));
    }

    [Test]
    public async Task ReadInAHelperReachedFromTheHandlerIsReportedWithTheChain()
    {
        await VerifyCS.VerifyAsync("""
            public static class Ids
            {
                private static readonly string s_node = Guid.NewGuid().ToString();
                public static string Tag(string name) => name + "@" + {|#0:s_node|};
                public static string StepTag(string name) => name + "@" + s_node;
            }

            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<string> Run(IContext ctx, string name)
                {
                    var inStep = await ctx.RunAsync("tag", ct => Task.FromResult(Ids.StepTag(name)));
                    return Ids.Tag(name) + inStep;
                }
            }
            """,
            Read(0, "Ids.s_node", Initialized("Guid.NewGuid"), "Svc.Run → Ids.Tag"));
    }

    [Test]
    public async Task StaticCollectionsAreReportedOnReadAndOnChange()
    {
        await VerifyCS.VerifyAsync("""
            using System.Collections.Concurrent;

            [Service]
            public partial class Svc
            {
                private static readonly ConcurrentDictionary<string, int> s_cache = new();
                private static readonly Dictionary<string, string> s_names = new();
                private static readonly List<string> s_log = new();
                private static readonly HashSet<string> s_seen = new();
                private static readonly Queue<string> s_pending = new();
                private static readonly ConcurrentBag<int> s_bag = new();
                private static readonly int[] s_counts = new int[4];
                private static List<string> s_replaced = new();

                [Handler]
                public Task<int> Run(IContext ctx, string key)
                {
                    {|#0:s_cache|}.TryAdd(key, 1);
                    {|#1:s_names|}[key] = key;
                    {|#2:s_log|}.Add(key);
                    if (s_seen.Contains(key)) { return Task.FromResult(0); } // never changed: a constant table
                    {|#4:s_pending|}.Enqueue(key);
                    {|#5:s_counts|}[0]++;
                    {|#6:s_replaced|} = new List<string>();
                    {|#7:s_bag|}.Add(1);
                    return Task.FromResult({|#8:s_cache|}.Count + {|#9:s_log|}.Count);
                }
            }
            """,
            Write(0, "Svc.s_cache", "TryAdd"),
            Write(1, "Svc.s_names", "indexer store"),
            Write(2, "Svc.s_log", "Add"),
            Write(4, "Svc.s_pending", "Enqueue"),
            Write(5, "Svc.s_counts", "element store"),
            Write(6, "Svc.s_replaced", "assignment"),
            Write(7, "Svc.s_bag", "Add"),
            Read(8, "Svc.s_cache", "a static mutable collection (ConcurrentDictionary)"),
            Read(9, "Svc.s_log", "a static mutable collection (List)"));
    }

    [Test]
    public async Task AReadOnlyLookupTableIsNotReportedButOneChangedElsewhereIs()
    {
        // A static collection filled in its initializer or static constructor and never changed afterwards is the
        // same in every process. One that any code changes later (here a plain class and a tool, not durable code)
        // holds process-local state: reading it in a handler is a hazard.
        await VerifyCS.VerifyAsync("""
            using System.Collections.Concurrent;

            [Service]
            public partial class Svc
            {
                private static readonly Dictionary<string, int> s_plans = new() { ["basic"] = 5, ["pro"] = 20 };
                private static readonly HashSet<string> s_regions;
                internal static readonly ConcurrentDictionary<string, int> s_cache = new();

                static Svc()
                {
                    s_regions = new HashSet<string>();
                    s_regions.Add("eu");
                }

                [Handler]
                public Task<int> Run(IContext ctx, string key)
                    => Task.FromResult(s_plans[key] + (s_regions.Contains(key) ? 1 : 0) + {|#0:s_cache|}.Count);
            }

            public sealed class Warmer
            {
                public void Warm(string key) => Svc.s_cache[key] = 1;
            }
            """,
            Read(0, "Svc.s_cache", "a static mutable collection (ConcurrentDictionary)"));
    }

    [Test]
    public async Task WritesToMutableStaticsAreReportedInHandlersAndHelpers()
    {
        await VerifyCS.VerifyAsync("""
            public static class Stats
            {
                public static int Calls;
                public static string? Last { get; set; }

                public static void Count() => {|#3:Calls|}++;
            }

            [Service]
            public partial class Svc
            {
                private static int s_total;

                [Handler]
                public Task<int> Run(IContext ctx, string item)
                {
                    {|#0:s_total|} += item.Length;
                    {|#1:Stats.Last|} = item;
                    Interlocked.Increment(ref {|#2:Stats.Calls|});
                    Stats.Count();
                    return Task.FromResult(0);
                }
            }
            """,
            Write(0, "Svc.s_total", "assignment"),
            Write(1, "Stats.Last", "assignment"),
            Write(2, "Stats.Calls", "ref argument"),
            Write(3, "Stats.Calls", "increment", "Svc.Run → Stats.Count"));
    }

    [Test]
    public async Task StaticRandomIsReportedWhetherSeededOrNot()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                private static readonly Random s_seeded = new(42);

                [Handler]
                public Task<int> Run(IContext ctx) => Task.FromResult({|#0:s_seeded|}.Next(10));
            }
            """,
            Read(0, "Svc.s_seeded", "a static Random shared by the process (its next value depends on earlier calls)"));
    }

    [Test]
    public async Task DeterministicStaticsAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            using System.Collections.Frozen;
            using System.Collections.Immutable;
            using System.Text.Json;

            public static class Settings
            {
                public const int Limit = 3;
                public static readonly string Prefix = "order-";
                public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
                public static readonly ImmutableArray<string> Regions = ImmutableArray.Create("eu", "us");
                public static readonly FrozenDictionary<string, int> Prices = new Dictionary<string, int> { ["a"] = 1 }.ToFrozenDictionary();
                public static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
                public static readonly IReadOnlyList<string> Names = new[] { "a", "b" };
                public static readonly string[] Allowed = { "x", "y" };
                public static readonly object Gate = new();
                public static readonly Random Unused = new();
                public static string Version { get; } = "1.0";
            }

            public enum Kind { A, B }

            [Service]
            public partial class Svc
            {
                private static readonly List<string> s_onlyInSteps = new();
                private static int s_stepCounter;

                [Handler]
                public async Task<string> Run(IContext ctx, string key)
                {
                    var price = Settings.Prices.TryGetValue(key, out var p) ? p : Settings.Limit;
                    var options = Settings.Json;
                    var name = nameof(s_stepCounter);
                    await ctx.RunAsync("log", ct => { s_onlyInSteps.Add(key); s_stepCounter++; return Task.CompletedTask; });
                    lock (Settings.Gate)
                    {
                        return Settings.Prefix + Settings.Timeout + Settings.Regions[0] + price + options.MaxDepth
                            + Settings.Names[0] + Settings.Allowed[0] + Kind.B + Settings.Version + name;
                    }
                }
            }
            """);
    }

    [Test]
    public async Task StaticsOutsideDurableCodeAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            public static class Registry
            {
                private static readonly Dictionary<string, string> s_map = new();
                private static readonly string s_id = Guid.NewGuid().ToString();
                public static void Register(string key) => s_map[key] = s_id;
            }

            [Service]
            public partial class Svc
            {
                [Handler]
                public Task<string> Run(IContext ctx, string key) => ctx.RunAsync("register", ct => { Registry.Register(key); return Task.FromResult(key); }).AsTask();

                public void NotAHandler(string key) => Registry.Register(key);
            }
            """);
    }
}
