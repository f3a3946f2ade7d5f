using DurableAgents.Generator.Journal;
using DurableAgents.Generator.Tests.Infrastructure;

namespace DurableAgents.Generator.Tests.Journal;

/// <summary>
/// Snapshot tests of the journal manifest: the generator in update mode emits <c>DurableAgents.JournalLock.g.cs</c>,
/// whose lock text is snapshotted (Snapshots/Journal.*.verified.cs) and must parse back to the same text.
/// </summary>
public class JournalManifestTests
{
    private static string Check(string name, params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var (_, result) = JournalHarness.Run(compilation);
        var source = JournalHarness.LockFileSource(result);
        Assert.That(source, Is.Not.Null, "update mode emits the lock file");
        Snapshot.Verify(source!, "Journal." + name);

        var text = JournalHarness.LockText(source!);
        var parsed = LockFile.Parse(text);
        Assert.That(parsed.Error, Is.Null, $"line {parsed.ErrorLine}: {parsed.Error}");
        Assert.That(LockFile.Format(parsed.Handlers), Is.EqualTo(text), "Format(Parse(lock)) round-trips exactly");
        GeneratorHarness.AssertCachedAndSymbolFree(compilation);
        return text;
    }

    [Test]
    public void EveryStepKind()
    {
        var text = Check(nameof(EveryStepKind), """
            using System;
            using System.Threading.Tasks;
            using DurableAgents;

            namespace Demo;

            public sealed record Greeting(string Text, int Count);

            [Service]
            public partial class Steps
            {
                [Handler]
                public async Task<Greeting> AllAsync(IContext ctx, string name)
                {
                    var text = await ctx.RunAsync("compose", _ => Task.FromResult("Hello " + name));
                    await ctx.RunAsync("log", _ => Task.CompletedTask);
                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                    await ctx.SleepAsync(TimeSpan.FromSeconds(1), "cool-down");
                    var now = await ctx.NowAsync();
                    var awakeable = ctx.Awakeable<int>();
                    var count = await awakeable;
                    ctx.ResolveAwakeable("other", 1);
                    ctx.RejectAwakeable("other", "no");
                    ctx.CancelInvocation("inv_1");
                    var answer = await ctx.CallAsync<string, string>(CallTarget.ForService("Greeter", "greet"), text);
                    ctx.Send(new CallTarget("Audit", "record"), answer);
                    ctx.Send(new CallTarget(name, "record"), answer);
                    return new Greeting(answer + now.Year, count);
                }
            }
            """);
        Assert.That(text, Does.Contain("  run \"compose\" -> String@").And.Contain("  run \"log\"\n").And.Contain("  sleep\n")
            .And.Contain("  sleep \"cool-down\"\n").And.Contain("  now\n").And.Contain("  awakeable -> Int32@").And.Contain("  call Greeter/greet -> String@")
            .And.Contain("  send Audit/record\n").And.Contain("  send ?\n"));
    }

    [Test]
    public void BranchesAndLoops() => Check(nameof(BranchesAndLoops), """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Orders
        {
            [Handler]
            public async Task<int> CheckoutAsync(IContext ctx, List<string> items)
            {
                if (items.Count == 0)
                {
                    await ctx.RunAsync("empty", _ => Task.CompletedTask);
                }
                else
                {
                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                }

                if (items.Count > 10)
                {
                    await ctx.RunAsync("bulk", _ => Task.CompletedTask);
                }

                if (items.Count > 20)
                {
                    items.Clear();
                }
                else
                {
                    await ctx.RunAsync("small", _ => Task.CompletedTask);
                }

                foreach (var item in items)
                {
                    await ctx.RunAsync("reserve", _ => Task.FromResult(item.Length));
                }

                var i = 0;
                while (i < 3)
                {
                    i += await ctx.RunAsync("tick", _ => Task.FromResult(1));
                }

                switch (items.Count)
                {
                    case 1:
                        await ctx.RunAsync("one", _ => Task.CompletedTask);
                        break;
                    default:
                        await ctx.RunAsync("many", _ => Task.CompletedTask);
                        break;
                }

                try
                {
                    await ctx.RunAsync("charge", _ => Task.CompletedTask);
                }
                catch (TerminalException)
                {
                    await ctx.RunAsync("refund", _ => Task.CompletedTask);
                }

                return i;
            }
        }
        """);

    [Test]
    public void StateAndPromises() => Check(nameof(StateAndPromises), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [VirtualObject]
        public partial class Cart
        {
            [Handler]
            public async Task<long> AddAsync(IObjectContext ctx, long delta)
            {
                var value = await ctx.GetAsync<long>("total") + delta;
                ctx.Set("total", value);
                ctx.Clear("draft");
                var keys = await ctx.GetStateKeysAsync();
                if (keys.Count > 100)
                {
                    ctx.ClearAll();
                }

                return value;
            }
        }

        [Workflow]
        public partial class Signup
        {
            [Handler]
            public async Task<bool> RunAsync(IWorkflowContext ctx, string email)
            {
                var approved = ctx.Promise<bool>("approved");
                var peeked = await approved.PeekAsync();
                var decision = await approved;
                await ctx.Promise<string>("audit").ResolveAsync(email);
                return decision && peeked.Exists;
            }

            [SharedHandler]
            public async Task ApproveAsync(ISharedWorkflowContext ctx, bool yes)
                => await ctx.Promise<bool>("approved").ResolveAsync(yes);
        }
        """);

    [Test]
    public void HelpersAndLocalFunctions() => Check(nameof(HelpersAndLocalFunctions), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Billing
        {
            [Handler]
            public async Task<string> PayAsync(IContext ctx, string order)
            {
                await Steps.ValidateAsync(ctx, order);
                await Notify();
                await Recurse(ctx, 3);
                return await ctx.RunAsync("receipt", _ => Task.FromResult(order));

                async Task Notify() => await ctx.RunAsync("notify", _ => Task.CompletedTask);
            }

            private static async Task Recurse(IContext ctx, int n)
            {
                if (n > 0)
                {
                    await ctx.RunAsync("level", _ => Task.CompletedTask);
                    await Recurse(ctx, n - 1);
                }
            }
        }
        """, """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        internal static class Steps
        {
            public static async Task ValidateAsync(IContext ctx, string order)
            {
                await ctx.RunAsync("validate", _ => Task.FromResult(order.Length));
                await ctx.SleepAsync(System.TimeSpan.FromMilliseconds(10));
            }
        }
        """);

    [Test]
    public void PatchBlocks() => Check(nameof(PatchBlocks), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Payments
        {
            [Handler]
            public async Task<string> ChargeAsync(IContext ctx, string card)
            {
                if (ctx.IsPatched("charge-card"))
                {
                    await ctx.RunAsync("charge-card", _ => Task.CompletedTask);
                }
                else
                {
                    await ctx.RunAsync("charge", _ => Task.CompletedTask);
                }

                if (!ctx.IsPatched("no-audit"))
                {
                    await ctx.RunAsync("audit", _ => Task.CompletedTask);
                }

                var receipt = ctx.IsPatched("receipt-v2")
                    ? await ctx.RunAsync("receipt-v2", _ => Task.FromResult(card))
                    : await ctx.RunAsync("receipt", _ => Task.FromResult(card));
                return receipt;
            }
        }
        """);

    [Test]
    public void AgentsWithTools() => Check(nameof(AgentsWithTools), """
        using System.Threading;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        public sealed record Forecast(string City, double Celsius);

        [DurableAgent("Weather")]
        public partial class WeatherAgent
        {
            /// <summary>Gets the forecast.</summary>
            [DurableTool]
            public static Task<Forecast> GetForecastAsync(string city, int days = 1, CancellationToken ct = default)
                => Task.FromResult(new Forecast(city, days));

            /// <summary>Lists cities.</summary>
            [DurableTool("list_cities")]
            public static string[] Cities() => ["Paris"];
        }

        [DurableAgent("Concierge", Session = true)]
        public partial class Concierge
        {
            /// <summary>Books a table.</summary>
            [DurableTool(RequiresApproval = true)]
            public static string Book(string restaurant) => restaurant;
        }
        """);

    [Test]
    public void AgentWithMcpServers() => Check(nameof(AgentWithMcpServers), """
        using DurableAgents;

        namespace Demo;

        [DurableAgent("Assistant")]
        [McpServer("files", Command = "npx", ApprovalRequiredTools = new[] { "write_file" })]
        [McpServer("docs", Url = "https://docs.example.com/mcp")]
        public partial class Assistant
        {
        }
        """);

    [Test]
    public void NonConstantNames() => Check(nameof(NonConstantNames), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Batch
        {
            private static string Prefix() => "p";

            [Handler]
            public async Task RunAsync(IContext ctx, string[] items)
            {
                for (var i = 0; i < items.Length; i++)
                {
                    await ctx.RunAsync($"item:{items[i]}:{i}", _ => Task.CompletedTask);
                    await ctx.RunAsync("step-" + i, _ => Task.CompletedTask);
                }

                await ctx.RunAsync(Prefix(), _ => Task.CompletedTask);
            }
        }
        """);

    [Test]
    public void TypedClientCalls() => Check(nameof(TypedClientCalls), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        [Service]
        public partial class Greeter
        {
            [Handler]
            public Task<string> GreetAsync(IContext ctx, string name) => Task.FromResult("Hello " + name);
        }

        [Service]
        public partial class Front
        {
            [Handler]
            public async Task<string> HandleAsync(IContext ctx, string name)
            {
                var client = new GreeterContextClient(ctx);
                var text = await client.GreetAsync(name);
                client.SendGreet(name);
                return text;
            }
        }
        """);

    [Test]
    public void NormalBuildEmitsNoLockFile()
    {
        var compilation = GeneratorHarness.Compile(["""
            using System.Threading.Tasks;
            using DurableAgents;

            namespace Demo;

            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> GreetAsync(IContext ctx, string name) => await ctx.RunAsync("compose", _ => Task.FromResult(name));
            }
            """]);
        var (_, result) = JournalHarness.Run(compilation, JournalHarness.CreateDriver(update: false));
        Assert.That(result.GeneratedSources, Is.Not.Empty);
        Assert.That(JournalHarness.LockFileSource(result), Is.Null);
        var (_, updated) = JournalHarness.Run(compilation);
        Assert.That(JournalHarness.LockFileSource(updated), Does.Contain("//lock:  run \"compose\" -> String@"));
    }
}
