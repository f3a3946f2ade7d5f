using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Context.StepMutationAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Context;

/// <summary>DA3002: state that outlives a step body, changed inside it.</summary>
public class StepMutationTests
{
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Mutated(int location, string name) =>
        VerifyCS.Diagnostic(RuleIds.CapturedVariableMutatedInsideStep).WithLocation(location).WithArguments(name);

    [Test]
    public async Task WithoutTheRuntimeNothingIsReported()
    {
        await VerifyCS.VerifyWithoutRuntimeAsync("""
            public class Plain
            {
                private int _count;
                public void Run(Action<int> run) => run(_count++);
            }
            """);
    }

    [Test]
    public async Task FieldsAndPropertiesOfTheHandlerAndStaticStateAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [VirtualObject]
            public partial class Cart
            {
                private static int Calls;
                private static List<string> Log { get; } = new();
                private int _total;
                private int count;
                private readonly List<string> _items = new();
                private readonly Dictionary<string, int> _cache = new();
                public int Total { get; set; }

                [Handler]
                public async Task<int> Add(IObjectContext ctx, int amount)
                {
                    await ctx.RunAsync("mutate", ct =>
                    {
                        {|#0:_total|} += amount;
                        {|#1:this.count|}++;
                        {|#2:Total|} = amount;
                        {|#3:_items|}.Add("x");
                        {|#4:_cache["k"]|} = amount;
                        {|#5:Calls|}++;
                        {|#6:Log|}.Add("called");
                        var local = new List<string>();
                        local.Add("fine");
                        return Task.FromResult(local.Count);
                    });
                    return amount;
                }

                [SharedHandler]
                public Task<int> Get(ISharedObjectContext ctx) =>
                    Task.FromResult(_total + count + Total + _items.Count + _cache.Count + Calls + Log.Count);
            }
            """,
            Mutated(0, "_total"),
            Mutated(1, "count"),
            Mutated(2, "Total"),
            Mutated(3, "_items"),
            Mutated(4, "_cache"),
            Mutated(5, "Calls"),
            Mutated(6, "Log"));
    }

    [Test]
    public async Task FieldsTheirTypeNeverReadsAreNotReported()
    {
        // A counter of real step executions, printed by the host: no durable code reads it, so replay cannot diverge.
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                public static int StepExecutions;
                private string? _lastName;
                private readonly List<string> _audit = new();

                [Handler]
                public async Task<string> Run(IContext ctx, string name)
                {
                    return await ctx.RunAsync("step", ct =>
                    {
                        Interlocked.Increment(ref StepExecutions);
                        _lastName = name;
                        _audit.Add(name);
                        return Task.FromResult(name);
                    });
                }
            }

            public static class Host
            {
                public static string Report() => $"{Svc.StepExecutions} step executions";
            }
            """);
    }

    [Test]
    public async Task CapturedVariablesReadAfterTheStepAreReportedForEveryKindOfWrite()
    {
        await VerifyCS.VerifyAsync("""
            public sealed class Box { public int Value; }

            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx, int input)
                {
                    var count = 0;
                    var sum = 0;
                    var items = new List<string>();
                    var map = new Dictionary<string, int>();
                    var box = new Box();
                    var parsed = 0;
                    var hits = 0;
                    int a = 0, b = 0;
                    string? name = null;
                    await ctx.RunAsync("mutate", ct =>
                    {
                        {|#0:count|}++;
                        {|#1:sum|} += 2;
                        {|#2:items|}.Add("x");
                        {|#3:map["k"]|} = 1;
                        {|#4:box.Value|} = 1;
                        int.TryParse("1", out {|#5:parsed|});
                        Interlocked.Increment(ref {|#6:hits|});
                        ({|#7:a|}, {|#8:b|}) = (1, 2);
                        {|#9:name|} ??= "n";
                        {|#10:input|} = 3;
                        return Task.CompletedTask;
                    });
                    return count + sum + items.Count + map.Count + box.Value + parsed + hits + a + b + name.Length + input;
                }
            }
            """,
            Mutated(0, "count"),
            Mutated(1, "sum"),
            Mutated(2, "items"),
            Mutated(3, "map"),
            Mutated(4, "box"),
            Mutated(5, "parsed"),
            Mutated(6, "hits"),
            Mutated(7, "a"),
            Mutated(8, "b"),
            Mutated(9, "name"),
            Mutated(10, "input"));
    }

    [Test]
    public async Task CapturedVariablesNeverReadAfterTheStepAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    var attempts = 0;
                    var sb = new System.Text.StringBuilder();
                    var seen = new List<string>();
                    string? last = null;
                    var result = await ctx.RunAsync("call", ct =>
                    {
                        attempts++;
                        sb.Append('x');
                        seen.Add("y");
                        last = "z";
                        return Task.FromResult(1);
                    });
                    last = "overwritten, not read";
                    seen.Add("after");
                    return result;
                }
            }
            """);
    }

    [Test]
    public async Task StateOfTheStepItselfAndValuesReturnedFromItAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            public sealed class Acc { private int _n; public void Bump() => _n++; public int N => _n; }

            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    var list = await ctx.RunAsync("load", async ct =>
                    {
                        var inner = new List<int>();
                        inner.Add(1);
                        var n = 0;
                        void Inc() => n++;
                        Inc();
                        var acc = new Acc();
                        acc.Bump();
                        var (x, y) = (1, 2);
                        inner.ForEach(i => { var j = i; j++; });
                        await Task.Yield();
                        inner.Add(n + x + y + acc.N);
                        return inner;
                    });
                    list.Add(2);
                    var total = 0;
                    total += await ctx.RunAsync("add", ct => Task.FromResult(5));
                    Action notAStep = () => total++;
                    notAStep();
                    return total + list.Count;
                }
            }
            """);
    }

    [Test]
    public async Task WritesInLocalFunctionsAndMethodsCalledFromTheStepAreReportedAtTheCall()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                private int _calls;
                private static int Total;

                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    var count = 0;
                    var unread = 0;
                    await ctx.RunAsync("step", ct =>
                    {
                        {|#0:Bump()|};
                        {|#1:Record()|};
                        {|#2:Outer()|};
                        Touch();
                        return Task.CompletedTask;
                    });
                    return count;

                    void Bump() => count += 1;
                    void Outer() => Bump();
                    void Touch() => unread = 1;
                }

                private void Record()
                {
                    _calls++;
                    AddTotal(1);
                }

                private static void AddTotal(int n) => Total += n;

                public int Read() => _calls + Total;
            }
            """,
            Mutated(0, "count"),
            Mutated(1, "_calls"),
            Mutated(1, "Total"),
            Mutated(2, "count"));
    }

    [Test]
    public async Task AMethodGroupPassedAsTheStepIsCheckedThroughItsBody()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                private bool _loaded;

                public bool Loaded => _loaded;

                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    var a = await ctx.RunAsync("load", {|#0:LoadAsync|});
                    var b = await ctx.RunAsync("pure", PureAsync);
                    return a + b;
                }

                private Task<int> LoadAsync(CancellationToken ct)
                {
                    _loaded = true;
                    return Task.FromResult(1);
                }

                private static Task<int> PureAsync(CancellationToken ct)
                {
                    var local = 0;
                    local++;
                    return Task.FromResult(local);
                }
            }
            """,
            Mutated(0, "_loaded"));
    }

    [Test]
    public async Task AStepInALoopThatChangesAVariableDeclaredOutsideTheLoopIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task Run(IContext ctx, string[] urls)
                {
                    var index = 0;
                    var done = new List<string>();
                    foreach (var url in urls)
                    {
                        var perItem = 0;
                        await ctx.RunAsync("fetch", ct =>
                        {
                            {|#0:index|}++;
                            done.Add(url);
                            perItem++;
                            return Task.FromResult(index);
                        });
                    }
                }
            }
            """,
            Mutated(0, "index"));
    }

    [Test]
    public async Task OtherDelegatesTheRuntimeRunsAsStepsAreChecked()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                private int _approvals;

                public int Approvals => _approvals;

                public DurableAgents.Agents.DurableAgentOptions Options() => new()
                {
                    OnApprovalRequested = (pending, ct) =>
                    {
                        {|#0:_approvals|}++;
                        return Task.CompletedTask;
                    },
                };
            }
            """,
            Mutated(0, "_approvals"));
    }
}
