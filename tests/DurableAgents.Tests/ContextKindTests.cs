using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests;

/// <summary>
/// Each handler kind gets exactly its own context interface, run through the journal harness (the real state machine and
/// the context the endpoint creates): a handler of each kind reports <c>context is X</c> for every context interface X.
/// </summary>
public sealed class ContextKindTests
{
    private static readonly (string Name, Func<IContext, bool> Test)[] Interfaces =
    [
        ("IContext", static c => c is not null),
        ("ISharedObjectContext", static c => c is ISharedObjectContext),
        ("IObjectContext", static c => c is IObjectContext),
        ("ISharedWorkflowContext", static c => c is ISharedWorkflowContext),
        ("IWorkflowContext", static c => c is IWorkflowContext),
    ];

    /// <summary>The names of the context interfaces the handler's context implements.</summary>
    private static HandlerDefinition Probe(HandlerType? type)
        => Handler<string, string[]>("probe", (ctx, _) => Task.FromResult(Interfaces.Where(i => i.Test(ctx)).Select(i => i.Name).ToArray()), type);

    private static async Task<string[]> ReportAsync(ServiceDefinition service)
    {
        var result = await JournalHarness.RunAsync(service, "probe", new JournalBuilder(key: "k-1").Input("\"x\"").Build());
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }), result.ErrorMessage);
        var output = JsonNode.Parse(result.Messages[0].Text)!["value"]!["content"]!.ToString();
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(output)))!.AsArray().Select(n => n!.ToString()).ToArray();
    }

    [Test]
    public async Task A_Service_handler_context_is_only_an_IContext()
    {
        var report = await ReportAsync(Service("KindService", Probe(null)));
        Assert.That(report, Is.EqualTo(new[] { "IContext" }), "not an ISharedObjectContext, IObjectContext, ISharedWorkflowContext or IWorkflowContext");
    }

    [Test]
    public async Task A_shared_Virtual_Object_handler_context_is_an_ISharedObjectContext_and_cannot_write()
        => Assert.That(await ReportAsync(Object("KindShared", Probe(HandlerType.Shared))), Is.EqualTo(new[] { "IContext", "ISharedObjectContext" }));

    [TestCase(HandlerType.Exclusive)]
    [TestCase(null)]
    public async Task An_exclusive_Virtual_Object_handler_context_is_an_IObjectContext(HandlerType? type)
        => Assert.That(await ReportAsync(Object("KindExclusive", Probe(type))), Is.EqualTo(new[] { "IContext", "ISharedObjectContext", "IObjectContext" }));

    [Test]
    public async Task A_shared_Workflow_handler_context_is_an_ISharedWorkflowContext()
        => Assert.That(await ReportAsync(Workflow("KindSharedWorkflow", Probe(HandlerType.Shared))), Is.EqualTo(new[] { "IContext", "ISharedObjectContext", "ISharedWorkflowContext" }));

    [TestCase(HandlerType.Workflow)]
    [TestCase(null)]
    public async Task A_Workflow_run_handler_context_is_an_IWorkflowContext(HandlerType? type)
        => Assert.That(await ReportAsync(Workflow("KindRun", Probe(type))),
            Is.EqualTo(new[] { "IContext", "ISharedObjectContext", "IObjectContext", "ISharedWorkflowContext", "IWorkflowContext" }));

    [Test]
    public async Task The_keyed_contexts_carry_the_key_and_the_eager_state()
    {
        var service = Object("KindState", Shared<string, string>("probe", async (ctx, _) => ctx.Key + ":" + await ctx.GetAsync<string>("greeting")));
        var result = await JournalHarness.RunAsync(service, "probe",
            new JournalBuilder(key: "k-7").State(new Dictionary<string, string> { ["greeting"] = "\"hello\"" }).Input("\"x\"").Build());
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.GetEagerStateCommand, MessageType.OutputCommand, MessageType.End }), "the eager state answers the read");
        var output = JsonNode.Parse(result.Messages[1].Text)!["value"]!["content"]!.ToString();
        Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(output)), Is.EqualTo("\"k-7:hello\""));
    }
}
