using System.Reflection;
using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Generator.Tests;

/// <summary>
/// A realistic, correct application (agents with static and DI instance tools, an approval callback that writes a file
/// and reads the clock, a plain service, a session agent, agent-to-agent calls) compiled with the generator, the
/// System.Text.Json generator and every DurableAgents analyzer: nothing of warning level or higher, and no DA
/// diagnostic at any severity (issue 21: "a new app written from the README builds with zero warnings").
/// </summary>
public class CorrectAppTests
{
    private const string App = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using DurableAgents;
        using DurableAgents.Agents;

        namespace Shop;

        public sealed record Order(string Id, string Item, int Quantity);
        public sealed record Quote(string Item, decimal Price, DateTimeOffset At);

        public interface IInventory
        {
            Task<int> StockAsync(string item, CancellationToken ct);
        }

        public sealed class Inventory(HttpClient http) : IInventory
        {
            public async Task<int> StockAsync(string item, CancellationToken ct) =>
                int.Parse(await http.GetStringAsync("https://inventory.example/" + Uri.EscapeDataString(item), ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>A specialist agent, called by <see cref="Clerk"/> as a tool (a durable call).</summary>
        [DurableAgent("Catalog")]
        [AgentInstructions("You answer catalog questions. Use price_of and stock_of, then answer briefly.")]
        [Description("Answers questions about the catalog.")]
        public partial class Catalog(IInventory inventory)
        {
            /// <summary>The price of an item.</summary>
            /// <param name="item">The item.</param>
            [DurableTool]
            public static decimal PriceOf(string item) => item.Length * 1.5m;

            /// <summary>How many of an item are in stock.</summary>
            /// <param name="item">The item.</param>
            [DurableTool]
            public async Task<int> StockOf(string item, CancellationToken ct)
            {
                var stock = await inventory.StockAsync(item, ct);
                File.AppendAllText(Path.Combine(Path.GetTempPath(), "stock.log"), $"{DateTime.UtcNow:O} {item} {stock}\n");
                return stock;
            }
        }

        /// <summary>Takes orders; placing one waits for a human approval.</summary>
        [DurableAgent("Clerk")]
        [AgentInstructions("You take orders. Ask the catalog agent for prices, then use place_order.")]
        public partial class Clerk : IConfigureDurableAgent
        {
            [DurableTool(RequiresApproval = true), Description("Places an order.")]
            public static Order PlaceOrder(string item, int quantity) => new(Guid.NewGuid().ToString("N"), item, quantity);

            public void Configure(DurableAgentOptions options)
            {
                options.Tools.Add(Catalog.DurableTools.AsTool("ask_catalog", "Ask the catalog agent; pass the whole question in 'message'."));
                options.ApprovalTimeout = TimeSpan.FromHours(1);
                options.OnApprovalRequested = async (pending, ct) =>
                {
                    var line = $"{DateTime.Now:O} {pending.Count} approval(s): {string.Join(", ", pending.Select(p => p.ToolName))}\n";
                    await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "approvals.log"), line, ct);
                };
            }
        }

        /// <summary>One conversation per user.</summary>
        [DurableAgent("Assistant", Session = true)]
        [AgentInstructions("You are a shopping assistant. Use remember_item to keep notes.")]
        public partial class Assistant
        {
            [DurableTool, Description("Notes an item the user likes.")]
            public static string RememberItem(string item) => "noted " + item;
        }

        [Service]
        public partial class Quotes(HttpClient http)
        {
            [Handler]
            public async Task<Quote> QuoteAsync(IContext ctx, Order order)
            {
                var at = await ctx.NowAsync();
                var price = await ctx.RunAsync("price", async ct => decimal.Parse(await http.GetStringAsync("https://prices.example/" + order.Item, ct), System.Globalization.CultureInfo.InvariantCulture));
                await ctx.SleepAsync(TimeSpan.FromMilliseconds(10));
                var answer = await new CatalogContextClient(ctx).RunAsync(AgentRequest.FromMessage("Is " + order.Item + " in stock?"));
                return new Quote(order.Item + " " + answer.Text, price * order.Quantity, at);
            }

            [Handler]
            public async Task<string> TicketAsync(IContext ctx, string subject)
            {
                var id = ctx.NewGuid();
                var futures = new[] { ctx.RunAsync("a", _ => Task.FromResult(1)), ctx.RunAsync("b", _ => Task.FromResult(2)) };
                await ctx.WhenAll(futures);
                return subject + " " + id + " " + await futures[0] + await futures[1];
            }
        }

        [JsonSerializable(typeof(Order))]
        [JsonSerializable(typeof(Quote))]
        internal sealed partial class ShopJson : JsonSerializerContext;
        """;

    [Test]
    public async Task ACorrectAppHasNoWarningsAndNoDurableAgentsDiagnostics()
    {
        var analyzers = typeof(DurableAgents.Analyzers.RuleIds).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToList();
        Assert.That(analyzers, Has.Count.GreaterThanOrEqualTo(6), "every DurableAgents analyzer runs");

        var compilation = StjGenerator.Add(GeneratorHarness.Compile([App], "Shop", OutputKind.DynamicallyLinkedLibrary, []));
        var (_, output, _) = GeneratorHarness.Run(compilation);
        var all = await output.WithAnalyzers([.. analyzers]).GetAllDiagnosticsAsync();

        var problems = all.Where(d => d.Severity >= DiagnosticSeverity.Warning || d.Id.StartsWith("DA", StringComparison.Ordinal)).ToList();
        Assert.That(problems.Select(d => d.ToString()), Is.Empty);
    }

    [Test]
    public async Task TheSameAppWithAReplayHazardIsReported()
    {
        // The check above can fail: one clock read outside a step in the service is found.
        var hazardous = App.Replace("var at = await ctx.NowAsync();", "var at = DateTimeOffset.UtcNow;");
        Assert.That(hazardous, Is.Not.EqualTo(App));
        var analyzers = new DiagnosticAnalyzer[] { new DurableAgents.Analyzers.Determinism.DeterminismAnalyzer() };
        var compilation = StjGenerator.Add(GeneratorHarness.Compile([hazardous], "Shop", OutputKind.DynamicallyLinkedLibrary, []));
        var (_, output, _) = GeneratorHarness.Run(compilation);
        var all = await output.WithAnalyzers([.. analyzers]).GetAnalyzerDiagnosticsAsync();
        Assert.That(all.Select(d => d.Id), Is.EqualTo(new[] { DurableAgents.Analyzers.RuleIds.NonDeterministicClock }));
        Assert.That(all[0].Severity, Is.EqualTo(DiagnosticSeverity.Warning));
    }
}
