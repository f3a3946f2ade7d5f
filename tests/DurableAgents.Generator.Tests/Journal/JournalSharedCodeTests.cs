using DurableAgents.Generator.Journal;
using DurableAgents.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Tests.Journal;

/// <summary>The shared journal code on its own: contract hashes, lock parsing, tool signatures.</summary>
public class JournalSharedCodeTests
{
    private static ITypeSymbol Type(string source, string name)
        => GeneratorHarness.Compile([source]).GetTypeByMetadataName(name) ?? throw new InvalidOperationException(name);

    [Test]
    public void ContractHashIsFnv1aOfTheCanonicalDescription()
    {
        var order = Type("namespace Demo; public enum Size { Small, Large } public sealed record Order(string Id, int[] Lines, Size Size, decimal? Total);", "Demo.Order");
        Assert.That(ContractHasher.Describe(order), Is.EqualTo("{Id:string,Lines:[int32],Size:enum(Small,Large),Total:decimal?}"));
        // FNV-1a 32 of "string" (a published algorithm: the value is the same on every machine).
        Assert.That(ContractHasher.Fnv1a("string"), Is.EqualTo(0x17c16538u));
        Assert.That(ContractHasher.Contract(order), Is.EqualTo("Order@" + ContractHasher.Fnv1a(ContractHasher.Describe(order)).ToString("x8")));
    }

    [Test]
    public void RenamedTypeKeepsItsHashAndAChangedContractChangesIt()
    {
        var a = Type("namespace Demo; public sealed record Receipt(string Id, long Cents);", "Demo.Receipt");
        var renamed = Type("namespace Demo; public sealed record Payment(string Id, long Cents);", "Demo.Payment");
        var changed = Type("namespace Demo; public sealed record Receipt(string Id, int Cents);", "Demo.Receipt");
        var jsonName = Type("namespace Demo; public sealed record Receipt([property: System.Text.Json.Serialization.JsonPropertyName(\"id\")] string Id, long Cents);", "Demo.Receipt");
        Assert.That(ContractHasher.Hash(renamed), Is.EqualTo(ContractHasher.Hash(a)));
        Assert.That(ContractHasher.Hash(changed), Is.Not.EqualTo(ContractHasher.Hash(a)));
        Assert.That(ContractHasher.Hash(jsonName), Is.Not.EqualTo(ContractHasher.Hash(a)));
    }

    [Test]
    public void RecursiveTypesTerminate()
    {
        var node = Type("namespace Demo; public sealed class Node { public string Name { get; set; } = \"\"; public System.Collections.Generic.List<Node> Children { get; set; } = new(); }", "Demo.Node");
        Assert.That(ContractHasher.Describe(node), Is.EqualTo("{Children:[rec],Name:string}"));
    }

    [TestCase("handler A/b\n  run \"x\"\n", null)]
    [TestCase("  run \"x\"\n", 0)]
    [TestCase("handler A/b\n   run \"x\"\n", 1)]
    [TestCase("handler A/b\n  loop\n  run \"x\"\n", 2)]
    [TestCase("handler A/b\n  loop\n    run \"x\"\n", 2)]
    [TestCase("handler A/b\n  end\n", 1)]
    [TestCase("handler A/b\n  jump \"x\"\n", 1)]
    [TestCase("handler A/b\n\n  run \"x\"\n", 1)]
    [TestCase("handler A/b\n  run \"x\" \n", 1)]
    [TestCase("service A/b\n", 0)]
    [TestCase("handler A/b\nhandler A/b\n", 1)]
    public void ParseReportsTheFirstMalformedLine(string text, int? line)
    {
        var result = LockFile.Parse(LockFile.Header + text);
        Assert.That(result.Error is null ? (int?)null : result.ErrorLine - 2, Is.EqualTo(line), result.Error);
    }

    [Test]
    public void NormalizeDropsTypeNamesButKeepsHashesAndQuotedNames()
    {
        Assert.That(EntryText.Normalize("run \"a@b\" -> Dictionary<String,Int32>@0badcafe"), Is.EqualTo("run \"a@b\" -> @0badcafe"));
        Assert.That(EntryText.Normalize("tool t(a: List<X>@00000001, b?: Y@00000002) -> Z@00000003"), Is.EqualTo("tool t(a: @00000001, b?: @00000002) -> @00000003"));
    }

    [TestCase("tool t(a: A@1)", "tool t(a: A@1, b?: B@2)", null)]
    [TestCase("tool t(a: A@1, b?: B@2)", "tool t(a: A@1, b: B@2)", "argument 'b' became required")]
    [TestCase("tool t(a: A@1)", "tool t(a: A@1, b: B@2)", "new required argument 'b'")]
    [TestCase("tool t(a: A@1, b: B@2)", "tool t(a: A@1)", "argument 'b' removed")]
    [TestCase("tool t(a: A@1)", "tool t(a: A@9)", "argument 'a' changed type")]
    [TestCase("tool t(a: A@1) -> R@1", "tool t(a: A@1) -> R@2", "result contract changed")]
    [TestCase("tool t(a: Dictionary<String,Int32>@1) -> R@1", "tool t(a: Map@1) -> Q@1", null)]
    public void ToolSchemaChanges(string before, string now, string? reason)
        => Assert.That(ToolSignature.Incompatibility(ToolSignature.Parse(before), ToolSignature.Parse(now)), Is.EqualTo(reason));
}
