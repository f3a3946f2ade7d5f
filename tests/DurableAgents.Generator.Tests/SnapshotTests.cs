using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Tests;

/// <summary>
/// Snapshot tests of the generated code. Every case also proves that the output compiles with no error or warning,
/// that a second run on an identical compilation is fully cached, and that no pipeline value holds a Roslyn object.
/// </summary>
public class SnapshotTests
{
    private static void Check(string name, params string[] sources) => Check(name, null, sources);

    private static void Check(string name, Func<CSharpCompilation, CSharpCompilation>? prepare, params string[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        if (prepare is not null)
        {
            compilation = prepare(compilation);
        }

        var (_, output, result) = GeneratorHarness.Run(compilation);
        var text = GeneratorHarness.GeneratedText(result);
        Assert.That(text, Is.Not.Empty, "the generator produced code");
        Assert.That(GeneratorHarness.Problems(output), Is.Empty, "the generated code compiles without errors or warnings");
        Snapshot.Verify(text, name);
        if (prepare is null)
        {
            GeneratorHarness.AssertCachedAndSymbolFree(compilation);
        }
    }

    [Test]
    public void Service() => Check(nameof(Service), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo;

        public sealed record GreetRequest(string Name);

        [Service]
        public partial class Greeter
        {
            [Handler]
            public async Task<string> GreetAsync(IContext context, GreetRequest request)
            {
                await context.SleepAsync(System.TimeSpan.FromSeconds(1));
                return "Hello " + request.Name;
            }

            [Handler("shout")]
            public static ValueTask<string> Loud(string text) => ValueTask.FromResult(text.ToUpperInvariant());

            [Handler]
            public Task Log(IContext context, string line) => Task.CompletedTask;

            public Task NotAHandler() => Task.CompletedTask;
        }
        """);

    [Test]
    public void VirtualObjectWithSharedHandlers() => Check(nameof(VirtualObjectWithSharedHandlers), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Objects;

        [VirtualObject("counter")]
        internal partial class Counter
        {
            [Handler]
            public async Task<long> AddAsync(IObjectContext context, long delta)
            {
                var value = await context.GetAsync<long>("value") + delta;
                context.Set("value", value);
                return value;
            }

            [Handler]
            public static Task Reset(IObjectContext context)
            {
                context.ClearAll();
                return Task.CompletedTask;
            }

            [SharedHandler]
            public async Task<long> GetAsync(ISharedObjectContext context) => await context.GetAsync<long>("value");

            [SharedHandler("peek")]
            public static ValueTask<string> Describe(IContext context) => ValueTask.FromResult(context.InvocationId);
        }
        """);

    [Test]
    public void Workflow() => Check(nameof(Workflow), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Flows;

        public sealed record SignupInput(string Email, string Name);

        public sealed record SignupResult(bool Verified);

        [Workflow]
        public partial class Signup
        {
            [Handler]
            public async Task<SignupResult> RunAsync(IWorkflowContext context, SignupInput input)
            {
                var code = await context.Promise<string>("code").GetAsync();
                return new SignupResult(code.Length > 0);
            }

            [SharedHandler]
            public async Task Verify(ISharedWorkflowContext context, string code) => await context.Promise<string>("code").ResolveAsync(code);

            [SharedHandler]
            public static Task<string?> Status(ISharedObjectContext context) => Task.FromResult<string?>(context.Key);
        }
        """);

    [Test]
    public void AgentWithTools() => Check(nameof(AgentWithTools), """
        using System.ComponentModel;
        using System.Threading;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Agents;

        public enum Depth { Shallow, Deep }

        [DurableAgent("researcher", Session = true, MaxTurns = 8)]
        public partial class ResearchAgent
        {
            /// <summary>Searches the web for <paramref name="query"/>.</summary>
            /// <param name="query">What to search for.</param>
            /// <param name="limit">How many results to return.</param>
            [DurableTool]
            public Task<string[]> SearchWebAsync(string query, int limit = 5, CancellationToken cancellationToken = default)
                => Task.FromResult(new[] { query + ":" + limit });

            [DurableTool("add", Description = "Adds two integers.")]
            public static int Add([Description("The first addend.")] int a, int b) => a + b;

            [DurableTool(RequiresApproval = true)]
            [Description("Sends an e-mail.")]
            public Task SendEmail(string to, string? subject, Depth depth = Depth.Deep) => Task.CompletedTask;

            [DurableTool]
            public void Forget() { }
        }
        """);

    [Test]
    public void ServiceAgentWithApproval() => Check(nameof(ServiceAgentWithApproval), """
        using DurableAgents;

        namespace Demo.Agents;

        /// <summary>Books trips.</summary>
        [DurableAgent("booker")]
        public static partial class Booker
        {
            /// <summary>Books a flight.</summary>
            /// <param name="flight">The flight number.</param>
            [DurableTool(RequiresApproval = true)]
            public static string BookFlight(string flight) => "booked " + flight;
        }
        """);

    [Test]
    public void AgentWithMcpServers() => Check(nameof(AgentWithMcpServers), """
        using DurableAgents;

        namespace Demo.Agents;

        /// <summary>Answers with the help of MCP servers.</summary>
        [DurableAgent("assistant")]
        [McpServer("files", Command = "npx", Arguments = new[] { "-y", "@modelcontextprotocol/server-filesystem", "/data" }, WorkingDirectory = "/srv",
            ApprovalRequiredTools = new[] { "write_file" }, AllowedTools = new[] { "read_file", "write_file" })]
        [McpServer("docs", Url = "https://docs.example.com/mcp", RequireApproval = true, ToolNamePrefix = "docs_")]
        public partial class Assistant
        {
        }
        """);

    [Test]
    public void GenericAndNestedTypes() => Check(nameof(GenericAndNestedTypes), """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Nested;

        public sealed class Envelope<T>
        {
            public required T Payload { get; init; }
            public string? CorrelationId { get; init; }
        }

        public static partial class Outer
        {
            public sealed record Item(string Sku, int Quantity);

            [Service("inventory")]
            public partial class Inventory
            {
                [Handler]
                public static Task<Envelope<List<Item>>> Reserve(Envelope<Item> request)
                    => Task.FromResult(new Envelope<List<Item>> { Payload = [request.Payload] });
            }
        }
        """);

    [Test]
    public void Records() => Check(nameof(Records), """
        using System;
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Records;

        public record Address(string Street, string City);

        public sealed record Customer(Guid Id, string Name, Address Address, DateTimeOffset Since)
        {
            [JsonPropertyName("vip")]
            public bool IsVip { get; init; }

            [JsonIgnore]
            public string Secret { get; init; } = "";

            public required string URLSlug { get; init; }
        }

        public readonly record struct Point(double X, double Y);

        [Service]
        public partial class Customers
        {
            [Handler]
            public static Task<Customer> Upsert(Customer customer) => Task.FromResult(customer);

            [Handler]
            public static ValueTask<Point> Locate(IContext context, Address address) => ValueTask.FromResult(new Point(1, 2));
        }
        """);

    [Test]
    public void Enums() => Check(nameof(Enums), """
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Enums;

        public enum Priority { Low = 1, Normal = 5, High = 10 }

        [JsonConverter(typeof(JsonStringEnumConverter<Color>))]
        public enum Color { Red, Green, Blue }

        public sealed record Ticket(string Title, Priority Priority, Color? Color);

        [Service]
        public partial class Tickets
        {
            [Handler]
            public static Task<Priority> Triage(Ticket ticket) => Task.FromResult(ticket.Priority);

            [Handler]
            public static Task<Color> Paint(Color color) => Task.FromResult(color);
        }
        """);

    [Test]
    public void Nullable() => Check(nameof(Nullable), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Nullables;

        public sealed class Query
        {
            public string? Text { get; set; }
            public int? Page { get; set; }
            public string Sort { get; set; } = "asc";
        }

        [Service]
        public partial class Search
        {
            [Handler]
            public static Task<string?> Find(Query? query) => Task.FromResult(query?.Text);

            [Handler]
            public static Task<int?> Count(int? max) => Task.FromResult(max);

            [Handler]
            public static Task<string> Optional(string text = "default") => Task.FromResult(text);
        }
        """);

    [Test]
    public void Collections() => Check(nameof(Collections), """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Collections;

        public sealed record Line(string Sku, decimal Price);

        [Service]
        public partial class Baskets
        {
            [Handler]
            public static Task<Dictionary<string, decimal>> Totals(List<Line> lines) => Task.FromResult(new Dictionary<string, decimal>());

            [Handler]
            public static Task<IReadOnlyList<string>> Skus(Line[] lines) => Task.FromResult<IReadOnlyList<string>>([]);

            [Handler]
            public static Task<byte[]> Pack(IDictionary<string, List<int>> groups) => Task.FromResult(new byte[0]);

            [Handler]
            public static Task<HashSet<int>> Unique(IEnumerable<int> values) => Task.FromResult(new HashSet<int>(values));
        }
        """);

    [Test]
    public void NoInputHandlers() => Check(nameof(NoInputHandlers), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.NoInput;

        [Service]
        public partial class Clock
        {
            [Handler]
            public static async Task<System.DateTimeOffset> NowAsync(IContext context) => await context.NowAsync();

            [Handler]
            public static Task Ping() => Task.CompletedTask;
        }

        [VirtualObject]
        public partial class Session
        {
            [Handler]
            public Task End(IObjectContext context)
            {
                context.ClearAll();
                return Task.CompletedTask;
            }

            [SharedHandler]
            public static Task<int> Version() => Task.FromResult(1);
        }
        """);

    [Test]
    public void NamespaceLessClass() => Check(nameof(NamespaceLessClass), """
        using System.Threading.Tasks;
        using DurableAgents;

        [Service]
        public partial class GlobalGreeter
        {
            [Handler]
            public static Task<string> Greet(string name) => Task.FromResult("Hi " + name);
        }
        """);

    [Test]
    public void SameNameInDifferentNamespaces() => Check(nameof(SameNameInDifferentNamespaces), """
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Billing
        {
            [Service("billing-greeter")]
            public partial class Greeter
            {
                [Handler]
                public static Task<string> Greet(string name) => Task.FromResult("Invoice for " + name);
            }
        }

        namespace Shipping
        {
            [Service("shipping-greeter")]
            internal partial class Greeter
            {
                [Handler]
                public Task<string> Greet(string name) => Task.FromResult("Parcel for " + name);
            }
        }
        """);

    [Test]
    public void UserJsonContextIsWiredIn() => Check(nameof(UserJsonContextIsWiredIn), StjGenerator.Add, """
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using DurableAgents;

        namespace Demo.Json;

        public sealed record Order(string Id, int Quantity);

        [JsonSerializable(typeof(Order))]
        internal partial class AppJsonContext : JsonSerializerContext;

        [JsonSerializable(typeof(int))]
        public partial class ZetaJsonContext : JsonSerializerContext;

        [Service]
        public partial class Orders
        {
            [Handler]
            public static Task<Order> Place(Order order) => Task.FromResult(order);
        }
        """);
}
