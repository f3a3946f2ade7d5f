using DurableAgents.Analyzers;
using DurableAgents.Analyzers.Declaration;
using DurableAgents.Analyzers.Tests.Verifiers;
using System.Text;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.CodeFixes.Tests;

/// <summary>
/// DA1009's fix. The System.Text.Json generator does not run here: existing contexts declare the members it would
/// generate, and a context the fix creates is expected to miss exactly those members (CS0534, CS7036).
/// </summary>
public class AddJsonSerializableFixTests
{
    private const string Header = TestSources.Usings + """
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;

        namespace Shop;

        """;

    private const string Members = """
        {
            public AppJson() : base(null) { }
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    private static DiagnosticResult Missing(int location, string type, string member) =>
        new DiagnosticResult(DiagnosticDescriptors.MissingJsonMetadata).WithLocation(location)
            .WithArguments("Shop." + type, "handler", member, "global::Shop." + type);

    private static CSharpCodeFixTest<JsonMetadataAnalyzer, AddJsonSerializableFixer, DefaultVerifier> Test(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<JsonMetadataAnalyzer, AddJsonSerializableFixer, DefaultVerifier>
        {
            ReferenceAssemblies = TestSources.Empty,
            TestCode = Header + source,
            FixedCode = Header + fixedSource,
        };
        test.TestState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.FixedState.AdditionalReferences.AddRange(TestSources.WithRuntime);
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }

    [Test]
    public async Task AddsAfterTheLastJsonSerializableOfTheExistingContext()
    {
        const string Handlers = """
            public record Order(string Id);
            public record Receipt(string Id);

            [Service]
            public partial class Checkout
            {
                [Handler] public Task<{|#0:Receipt|}> PlaceOrder(IContext ctx, Order order) => Task.FromResult(new Receipt(order.Id));
            }

            """;
        await Test(
            Handlers + """
                /// <summary>The app's JSON.</summary>
                [JsonSerializable(typeof(Order))]
                [JsonSourceGenerationOptions(WriteIndented = false)]
                internal partial class AppJson : JsonSerializerContext
                """ + Members,
            Handlers.Replace("{|#0:", "").Replace("|}>", ">") + """
                /// <summary>The app's JSON.</summary>
                [JsonSerializable(typeof(Order))]
                [JsonSerializable(typeof(Receipt))]
                [JsonSourceGenerationOptions(WriteIndented = false)]
                internal partial class AppJson : JsonSerializerContext
                """ + Members,
            Missing(0, "Receipt", "Checkout.PlaceOrder")).RunAsync(CancellationToken.None);
    }

    [Test]
    public async Task PicksTheFirstContextByFullyQualifiedNameAndKeepsItsSpelling()
    {
        const string Handlers = """
            public record Order(string Id);

            [Service]
            public partial class Checkout
            {
                [Handler] public Task Place({|#0:Order|} order) => Task.CompletedTask;
            }

            """;
        const string Other = """

            [JsonSerializable(typeof(string))]
            internal partial class ZetaJson : JsonSerializerContext
            {
                public ZetaJson() : base(null) { }
                protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override JsonTypeInfo? GetTypeInfo(Type type) => null;
            }
            """;
        await Test(
            Handlers + """
                [System.Text.Json.Serialization.JsonSerializable(typeof(int)), JsonSerializable(typeof(long))]
                internal partial class AppJson : JsonSerializerContext
                """ + Members + Other,
            Handlers.Replace("{|#0:", "").Replace("|} order", " order") + """
                [System.Text.Json.Serialization.JsonSerializable(typeof(int)), JsonSerializable(typeof(long))]
                [JsonSerializable(typeof(Order))]
                internal partial class AppJson : JsonSerializerContext
                """ + Members + Other,
            Missing(0, "Order", "Checkout.Place")).RunAsync(CancellationToken.None);
    }

    [Test]
    public async Task CreatesAContextWhenTheAssemblyHasNone()
    {
        const string Handlers = """
            public record Order(string Id);
            public record Receipt(string Id);

            [Service]
            public partial class Checkout
            {
                [Handler] public Task<{|#1:Receipt|}> PlaceOrder(IContext ctx, {|#0:Order|} order) => Task.FromResult(new Receipt(order.Id));
            }
            """;
        var test = Test(Handlers, Handlers.Replace("{|#0:", "").Replace("{|#1:", "").Replace("|}", ""),
            Missing(0, "Order", "Checkout.PlaceOrder"),
            Missing(1, "Receipt", "Checkout.PlaceOrder"));
        // A new file, in the durable class's folder and namespace, named after the assembly ("TestProject"); UTF-8.
        test.FixedState.Sources.Add(("/0/TestProjectJson.cs", SourceText.From("""
            namespace Shop;

            /// <summary>System.Text.Json metadata for the handler and tool types of this assembly (wired in by the DurableAgents generator).</summary>
            [global::System.Text.Json.Serialization.JsonSerializable(typeof(Receipt))]
            [global::System.Text.Json.Serialization.JsonSerializable(typeof(Order))]
            internal partial class TestProjectJson : global::System.Text.Json.Serialization.JsonSerializerContext
            {
            }

            """, Encoding.UTF8)));

        // The half the System.Text.Json generator adds in a real build (a constructor and the two abstract members) is
        // missing here: exactly those errors, on the new class and nowhere else.
        test.FixedState.ExpectedDiagnostics.AddRange([
            DiagnosticResult.CompilerError("CS0534").WithSpan("/0/TestProjectJson.cs", 6, 24, 6, 39),
            DiagnosticResult.CompilerError("CS0534").WithSpan("/0/TestProjectJson.cs", 6, 24, 6, 39),
            DiagnosticResult.CompilerError("CS7036").WithSpan("/0/TestProjectJson.cs", 6, 24, 6, 39),
        ]);
        await test.RunAsync(CancellationToken.None);
    }

    [Test]
    public async Task FixAllAddsEachTypeOnceInDiagnosticOrder()
    {
        const string Handlers = """
            public record Order(string Id);
            public record Refund(string Id);
            public record Receipt(string Id);

            [Service]
            public partial class Checkout
            {
                [Handler] public Task<{|#1:Receipt|}> Place(IContext ctx, {|#0:Order|} order) => Task.FromResult(new Receipt(order.Id));
                [Handler] public Task<{|#3:Receipt|}> Return(IContext ctx, {|#2:Refund|} refund) => Task.FromResult(new Receipt(refund.Id));
                [Handler] public Task Cancel({|#4:Order|} order) => Task.CompletedTask;
            }

            """;
        var test = Test(
            Handlers + """
                [JsonSerializable(typeof(string))]
                internal partial class AppJson : JsonSerializerContext
                """ + Members,
            Handlers.Replace("{|#0:", "").Replace("{|#1:", "").Replace("{|#2:", "").Replace("{|#3:", "").Replace("{|#4:", "").Replace("|}", "") + """
                [JsonSerializable(typeof(string))]
                [JsonSerializable(typeof(Receipt))]
                [JsonSerializable(typeof(Order))]
                [JsonSerializable(typeof(Refund))]
                internal partial class AppJson : JsonSerializerContext
                """ + Members,
            Missing(0, "Order", "Checkout.Place"),
            Missing(1, "Receipt", "Checkout.Place"),
            Missing(2, "Refund", "Checkout.Return"),
            Missing(3, "Receipt", "Checkout.Return"),
            Missing(4, "Order", "Checkout.Cancel"));

        // Fix All: one change, deduplicated. One-by-one: each fix clears every diagnostic of its type.
        test.NumberOfFixAllIterations = 1;
        test.NumberOfIncrementalIterations = 3;
        await test.RunAsync(CancellationToken.None);
    }
}
