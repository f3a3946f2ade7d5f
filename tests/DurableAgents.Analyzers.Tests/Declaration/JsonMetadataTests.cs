using DurableAgents.Analyzers.Declaration;
using DurableAgents.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Declaration.JsonMetadataAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Declaration;

/// <summary>
/// DA1009. The System.Text.Json source generator does not run in these tests, so every context below declares the
/// members it would generate (a constructor, <c>GeneratedSerializerOptions</c>, <c>GetTypeInfo</c>): the analyzer only
/// reads the <c>[JsonSerializable]</c> attributes.
/// </summary>
public class JsonMetadataTests
{
    private const string JsonUsings = """
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;

        """;

    /// <summary>A context class with the given roots, compilable without the STJ generator.</summary>
    private static string Context(string name, params string[] roots) =>
        string.Concat(roots.Select(r => $"[JsonSerializable(typeof({r}))]\n")) + $$"""
        internal partial class {{name}} : JsonSerializerContext
        {
            public {{name}}() : base(null) { }
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        """;

    private static DiagnosticResult Missing(int location, string type, string kind, string member, string typeOf) =>
        VerifyCS.Diagnostic(RuleIds.MissingJsonMetadata).WithLocation(location).WithArguments(type, kind, member, typeOf);

    [Test]
    public async Task TypesThatCannotBeSerializedGetNoMetadataDiagnosticSoNoJsonSerializableFix()
    {
        // DA1004 (an error with the reason) reports them; DA1009 would only offer [JsonSerializable(typeof(Stream))].
        await VerifyCS.VerifyAsync(JsonUsings + """
            [Service]
            public partial class Files
            {
                [Handler] public Task Upload(IContext ctx, System.IO.Stream content) => Task.CompletedTask;
                [Handler] public Task<System.IO.FileStream> Download(IContext ctx) => Task.FromResult<System.IO.FileStream>(null!);
                [Handler] public Task Later(IContext ctx, ValueTask<string> pending) => Task.CompletedTask;
                [Handler] public Task Pointer(IContext ctx, IntPtr handle) => Task.CompletedTask;
                [Handler] public Task Callback(IContext ctx, Func<int> callback) => Task.CompletedTask;
            }

            """ + Context("AppJson", "string"));
    }

    [Test]
    public async Task UncoveredInputAndResultAreReportedAtTheirTypes()
    {
        await VerifyCS.VerifyAsync(JsonUsings + """
            namespace Shop;

            public record Order(string Id, int Quantity);
            public record Receipt(string Id);

            [Service]
            public partial class Checkout
            {
                [Handler] public Task<{|#1:Receipt|}> PlaceOrder(IContext ctx, {|#0:Order|} order) => Task.FromResult(new Receipt(order.Id));
                [Handler] public ValueTask<{|#2:Shop.Receipt|}> Again({|#3:Order?|} order) => default;
            }

            """ + Context("AppJson", "string"),
            Missing(0, "Shop.Order", "handler", "Checkout.PlaceOrder", "global::Shop.Order"),
            Missing(1, "Shop.Receipt", "handler", "Checkout.PlaceOrder", "global::Shop.Receipt"),
            Missing(2, "Shop.Receipt", "handler", "Checkout.Again", "global::Shop.Receipt"),
            Missing(3, "Shop.Order", "handler", "Checkout.Again", "global::Shop.Order"));
    }

    [Test]
    public async Task RootTypesAndEverythingReachableFromThemAreCovered()
    {
        await VerifyCS.VerifyAsync(JsonUsings + """
            namespace Shop;

            public record Cart(List<Item> Items, Dictionary<string, Price> Prices, Tag[] Tags, Coupon? Coupon)
            {
                public Address Shipping { get; set; } = new();
                public IReadOnlyList<Note> Notes { get; init; } = [];
                public Payment? Payment { get; set; }
            }
            public record Item(string Sku);
            public record Price(decimal Amount);
            public record Tag(string Name);
            public struct Coupon { public string Code { get; set; } }
            public class Address { public string City { get; set; } = ""; }
            public record Note(string Text);
            [JsonDerivedType(typeof(Card), "card")]
            public abstract record Payment;
            public record Card(string Number) : Payment;

            [Service]
            public partial class Store
            {
                [Handler] public Task<Cart> GetCart(Cart cart) => Task.FromResult(cart);
                [Handler] public Task<Item> GetItem(Item item) => Task.FromResult(item);
                [Handler] public Task<List<Item>> GetItems(List<Item> items) => Task.FromResult(items);
                [Handler] public Task<Price> GetPrice(Price price) => Task.FromResult(price);
                [Handler] public Task<Dictionary<string, Price>> GetPrices(Dictionary<string, Price> prices) => Task.FromResult(prices);
                [Handler] public Task<Tag[]> GetTags(Tag tag) => Task.FromResult(new[] { tag });
                [Handler] public Task<Coupon?> GetCoupon(Coupon coupon) => Task.FromResult<Coupon?>(coupon);
                [Handler] public Task<Address> GetAddress(Address address) => Task.FromResult(address);
                [Handler] public Task<IReadOnlyList<Note>> GetNotes(Note note) => Task.FromResult<IReadOnlyList<Note>>([note]);
                [Handler] public Task<Payment> Pay(Card card) => Task.FromResult<Payment>(card);
            }

            """ + Context("AppJson", "Cart"));
    }

    [Test]
    public async Task BuiltInTypesAndHandlersWithoutValuesNeedNoContext()
    {
        // No context at all: BuiltInJsonContext (read from the runtime reference) covers these.
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Plain
            {
                [Handler] public Task Ping() => Task.CompletedTask;
                [Handler] public ValueTask Pong(IContext ctx) => ValueTask.CompletedTask;
                [Handler] public Task<string> Echo(IContext ctx, string text) => Task.FromResult(text);
                [Handler] public Task<int> Count(long n) => Task.FromResult(1);
                [Handler] public Task<bool> Flag(Guid id) => Task.FromResult(true);
                [Handler] public Task<System.Text.Json.JsonElement> Raw(System.Text.Json.JsonElement e) => Task.FromResult(e);
                [Handler] public Task<List<string>> Lines(byte[] bytes) => Task.FromResult(new List<string>());
                [Handler] public Task<Dictionary<string, string>> Map(DateTimeOffset at) => Task.FromResult(new Dictionary<string, string>());
            }

            [VirtualObject]
            public partial class Counter
            {
                [Handler] public Task Add(IObjectContext ctx, int delta) => Task.CompletedTask;
                [SharedHandler] public Task<int> Get(ISharedObjectContext ctx) => Task.FromResult(0);
            }
            """);
    }

    [Test]
    public async Task NullableOfABuiltInIsNotBuiltIn()
    {
        // BuiltInJsonContext lists int, not int?: the source generator emits Nullable<int> only when something reaches it.
        await VerifyCS.VerifyAsync("""
            [Workflow]
            public partial class Signup
            {
                [Handler] public Task<bool> Run(IWorkflowContext ctx, {|#0:int?|} attempts) => Task.FromResult(true);
            }
            """,
            Missing(0, "int?", "handler", "Signup.Run", "int?"));
    }

    [Test]
    public async Task ToolParametersAndResultsAreChecked()
    {
        await VerifyCS.VerifyAsync(JsonUsings + """
            namespace Weather;

            public record City(string Name, string Country);
            public record Forecast(string Summary);
            public record Unused(string X);

            [DurableAgent]
            public partial class WeatherAgent
            {
                [DurableTool(Description = "Forecast for a city.")]
                public Task<Forecast> GetForecast({|#0:City|} city, int days, CancellationToken ct) => Task.FromResult(new Forecast(""));

                [DurableTool(Description = "Cities.")]
                public {|#1:Unused|} Describe(string name) => new(name);

                [DurableTool(Description = "Nothing back.")]
                public void Log(string line) { }
            }

            """ + Context("WeatherJson", "Forecast"),
            Missing(0, "Weather.City", "tool", "WeatherAgent.GetForecast", "global::Weather.City"),
            Missing(1, "Weather.Unused", "tool", "WeatherAgent.Describe", "global::Weather.Unused"));
    }

    [Test]
    public async Task AgentRuntimeTypesCountOnlyWhenTheAssemblyHasAnAgent()
    {
        const string Service = """
            [Service]
            public partial class Relay
            {
                [Handler] public Task<{|#0:DurableAgents.AgentResponse|}> Ask(IContext ctx, string question) => Task.FromResult<DurableAgents.AgentResponse>(null!);
            }

            """;

        // Without an agent, AgentJson.Resolver is not in RestateJson.Resolver: AgentResponse has no metadata.
        await VerifyCS.VerifyAsync(Service,
            Missing(0, "DurableAgents.AgentResponse", "handler", "Relay.Ask", "global::DurableAgents.AgentResponse"));

        // With one, the agent runtime's AgentJsonContext (read from the runtime assembly) covers it.
        await VerifyCS.VerifyAsync(Service.Replace("{|#0:", "").Replace("|}>", ">") + """
            [DurableAgent]
            public partial class Helper
            {
                [DurableTool(Description = "Echo.")] public string Echo(string text) => text;
            }
            """);
    }

    [Test]
    public async Task MicrosoftExtensionsAiMetadataCountsForAgentAssemblies()
    {
        // The real Microsoft.Extensions.AI.Abstractions: AIJsonUtilities' nested context lists IList<ChatMessage>.
        var test = new CSharpAnalyzerTest<JsonMetadataAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + """
                using Microsoft.Extensions.AI;

                [DurableAgent]
                public partial class Historian
                {
                    [DurableTool(Description = "Messages.")] public IList<ChatMessage> Recall(ChatRole role) => [];
                    [DurableTool(Description = "Other.")] public {|#0:Stack<ChatMessage>|} Pile(string s) => new();
                }
                """,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.AI.ChatMessage).Assembly.Location));
        test.ExpectedDiagnostics.Add(Missing(0, "System.Collections.Generic.Stack<Microsoft.Extensions.AI.ChatMessage>", "tool", "Historian.Pile",
            "global::System.Collections.Generic.Stack<global::Microsoft.Extensions.AI.ChatMessage>"));
        await test.RunAsync(CancellationToken.None);
    }

    [Test]
    public async Task IgnoredPropertiesAreNotReached()
    {
        await VerifyCS.VerifyAsync(JsonUsings + """
            public record Secret(string Value);
            public record Hint(string Value);
            public class Envelope
            {
                [JsonIgnore] public Secret? Secret { get; set; }
                [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Hint? Hint { get; set; }
                private Secret? Hidden { get; set; }
            }

            [Service]
            public partial class Vault
            {
                [Handler] public Task Open({|#0:Secret|} secret) => Task.CompletedTask;
                [Handler] public Task Peek(Hint hint) => Task.CompletedTask;
            }

            """ + Context("AppJson", "Envelope"),
            Missing(0, "Secret", "handler", "Vault.Open", "global::Secret"));
    }

    [Test]
    public async Task ContextsTheGeneratorDoesNotWireInDoNotCount()
    {
        // A private nested context and an abstract one are skipped by the generator (RestateGenerator.JsonContextName).
        await VerifyCS.VerifyAsync(JsonUsings + """
            public record Order(string Id);
            public record Refund(string Id);

            [Service]
            public partial class Orders
            {
                [Handler] public Task Place({|#0:Order|} order) => Task.CompletedTask;
                [Handler] public Task Refund({|#1:Refund|} refund) => Task.CompletedTask;

                [JsonSerializable(typeof(Order))]
                private partial class Hidden : JsonSerializerContext
                {
                    public Hidden() : base(null) { }
                    protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override JsonTypeInfo? GetTypeInfo(Type type) => null;
                }
            }

            [JsonSerializable(typeof(Refund))]
            internal abstract partial class AbstractJson : JsonSerializerContext
            {
                protected AbstractJson() : base(null) { }
            }
            """,
            Missing(0, "Order", "handler", "Orders.Place", "global::Order"),
            Missing(1, "Refund", "handler", "Orders.Refund", "global::Refund"));
    }

    [Test]
    public async Task ContextsOfReferencedAssembliesDoNotCount()
    {
        var test = new CSharpAnalyzerTest<JsonMetadataAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = TestSources.Usings + """
                [Service]
                public partial class Orders
                {
                    [Handler] public Task Place({|#0:Lib.Order|} order) => Task.CompletedTask;
                }
                """,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        var lib = test.TestState.AdditionalProjects["Lib"];
        lib.AdditionalReferences.AddRange(TestSources.WithRuntime);
        lib.Sources.Add(("Lib.cs", JsonUsings + """
            using System;

            namespace Lib;

            public record Order(string Id);

            """ + Context("LibJson", "Order").Replace("internal partial", "public partial")));
        test.TestState.AdditionalProjectReferences.Add("Lib");
        test.ExpectedDiagnostics.Add(Missing(0, "Lib.Order", "handler", "Orders.Place", "global::Lib.Order"));
        await test.RunAsync(CancellationToken.None);
    }

    [Test]
    public async Task RecursiveTypesTerminate()
    {
        await VerifyCS.VerifyAsync(JsonUsings + """
            public class Node
            {
                public string Name { get; set; } = "";
                public List<Node> Children { get; set; } = [];
                public Node? Parent { get; set; }
                public Dictionary<string, Node[]> Index { get; set; } = [];
            }
            public class Loop { public Loop? Next { get; set; } public Leaf Leaf { get; set; } = new(); }
            public class Leaf { public Loop? Back { get; set; } }
            public class Orphan { public Orphan? Self { get; set; } }

            [Service]
            public partial class Trees
            {
                [Handler] public Task<Node[]> Walk(Node root) => Task.FromResult(new[] { root });
                [Handler] public Task<Leaf> Follow(Loop loop) => Task.FromResult(loop.Leaf);
                [Handler] public Task Adopt({|#0:Orphan|} orphan) => Task.CompletedTask;
            }

            """ + Context("TreeJson", "Node", "Loop"),
            Missing(0, "Orphan", "handler", "Trees.Adopt", "global::Orphan"));
    }

    [Test]
    public async Task AnEverGrowingGenericStopsAtTheBudgetAndReportsNothing()
    {
        // Chain<int> reaches Chain<List<int>>, Chain<List<List<int>>>, …: the walk gives up and assumes coverage.
        await VerifyCS.VerifyAsync(JsonUsings + """
            public class Chain<T> { public T Value { get; set; } = default!; public Chain<List<T>>? Next { get; set; } }
            public record Order(string Id);

            [Service]
            public partial class Chains
            {
                [Handler] public Task Place(Order order) => Task.CompletedTask;
            }

            """ + Context("ChainJson", "Chain<int>"));
    }

    [Test]
    public async Task InvalidHandlersAndNonDurableClassesAreLeftToOtherRules()
    {
        await VerifyCS.VerifyAsync("""
            public record Order(string Id);

            public partial class NotDurable
            {
                [Handler] public Task Place(Order order) => Task.CompletedTask;
            }

            [Service]
            public partial class Broken
            {
                [Handler] public Task TwoInputs(Order a, Order b) => Task.CompletedTask;
                [Handler] public Order NotATask() => new("");
            }
            """);
    }
}
