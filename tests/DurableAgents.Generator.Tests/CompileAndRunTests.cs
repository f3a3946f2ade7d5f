using System.Text;
using System.Text.Json;
using DurableAgents.Definitions;
using DurableAgents.Generator.Tests.Infrastructure;
using DurableAgents.Generator.Tests.Samples;
using DurableAgents.Hosting;
using DurableAgents.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DurableAgents.Generator.Tests;

/// <summary>
/// Runs the code generated for <c>Samples/</c> (compiled by the real toolchain with the System.Text.Json generator,
/// warnings as errors). JSON metadata comes only from source-generated contexts: no reflection resolver is used.
/// </summary>
public class CompileAndRunTests
{
    private ServiceProvider _provider = null!;

    private static readonly JsonSerializerOptions SourceGeneratedOnly = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(RestateJson.Resolver, BuiltInJsonContext.Default),
    };

    [SetUp]
    public void SetUp()
    {
        var services = new ServiceCollection();
        services.AddSingleton<GreetingFormatter>();
        services.AddRestateServices();
        _provider = services.BuildServiceProvider();
    }

    [TearDown]
    public void TearDown() => _provider.Dispose();

    private FakeHandlerContext Context(string key = "key-1") => new(_provider, SourceGeneratedOnly, key);

    private static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static Task<ReadOnlyMemory<byte>> Invoke(ServiceDefinition service, string handler, IHandlerContext context, string body)
        => service.FindHandler(handler)!.Invoker(context, body.Length == 0 ? ReadOnlyMemory<byte>.Empty : Json(body)).AsTask();

    [Test]
    public void AddRestateServicesBindsEveryClassInOrdinalOrderAndRegistersInstances()
    {
        var options = _provider.GetRequiredService<IOptions<RestateEndpointOptions>>().Value;
        Assert.That(options.Services.Select(s => s.Name), Is.EqualTo(new[] { "counter", "Greeter", "researcher", "Signup", "DurableAgentApprovals" }),
            "agents are services too (their generated run handler); a non-session agent brings the runtime's approvals object");
        Assert.That(options.Services, Does.Contain(Greeter.Definition).And.Contain(Counter.Definition).And.Contain(Signup.Definition)
            .And.Contain(DurableAgents.Agents.AgentApprovals.Definition));
        Assert.That(_provider.GetService<Greeter>(), Is.Not.Null, "a class with instance handlers is registered (transient)");
        Assert.That(_provider.GetService<Counter>(), Is.Null, "a class with only static handlers is not registered");
        Assert.That(Greeter.Definition.JsonTypeInfoResolver, Is.SameAs(RestateJson.Resolver));
    }

    [Test]
    public void DefinitionsCarryKindsContentTypesAndSchemas()
    {
        Assert.That(Greeter.Definition.Type, Is.EqualTo(ServiceType.Service));
        Assert.That(Greeter.Definition.Handlers.Select(h => h.Name), Is.EqualTo(new[] { "greet", "shout", "count", "fail" }));
        Assert.That(Greeter.Definition.Handlers.Select(h => h.Type), Is.All.Null);

        var count = Greeter.Definition.FindHandler("count")!;
        Assert.That((count.InputContentType, count.InputRequired, count.OutputContentType), Is.EqualTo(((string?)null, false, "application/json")));
        var fail = Greeter.Definition.FindHandler("fail")!;
        Assert.That((fail.InputContentType, fail.InputRequired, fail.OutputContentType), Is.EqualTo(("application/json", true, (string?)null)));

        Assert.That(Counter.Definition.Type, Is.EqualTo(ServiceType.VirtualObject));
        Assert.That(Counter.Definition.Handlers.Select(h => (h.Name, h.Type)),
            Is.EqualTo(new (string, HandlerType?)[] { ("add", HandlerType.Exclusive), ("get", HandlerType.Shared), ("reset", HandlerType.Exclusive) }));
        Assert.That(Signup.Definition.Type, Is.EqualTo(ServiceType.Workflow));
        Assert.That(Signup.Definition.Handlers.Select(h => (h.Name, h.Type)),
            Is.EqualTo(new (string, HandlerType?)[] { ("run", HandlerType.Workflow), ("status", HandlerType.Shared) }));

        using var schema = JsonDocument.Parse(Greeter.Definition.FindHandler("greet")!.InputJsonSchema!);
        Assert.That(schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "name", "times" }));
    }

    [Test]
    public async Task DispatcherInvokesInstanceHandlerResolvedFromServices()
    {
        var output = await Invoke(Greeter.Definition, "greet", Context(), """{"name":"Ada","times":2}""");
        Assert.That(Text(output), Is.EqualTo("""{"message":"Hello Ada!Hello Ada! (inv_test)"}"""));
    }

    [Test]
    public async Task DispatcherInvokesStaticAndNoInputHandlers()
    {
        Assert.That(Text(await Invoke(Greeter.Definition, "shout", Context(), "\"hey\"")), Is.EqualTo("\"HEY\""));
        Assert.That(Text(await Invoke(Greeter.Definition, "count", Context(), "")), Is.EqualTo("42"));
    }

    [Test]
    public async Task HandlerFailuresAndMalformedInputAreTerminal()
    {
        var thrown = await Assert.ThrowsAsync<TerminalException>(() => Invoke(Greeter.Definition, "fail", Context(), """{"name":"Bob"}"""));
        Assert.That(thrown!.Code, Is.EqualTo(409));
        var malformed = await Assert.ThrowsAsync<TerminalException>(() => Invoke(Greeter.Definition, "greet", Context(), "{not json"));
        Assert.That(malformed!.Code, Is.EqualTo(400));
    }

    [Test]
    public async Task VirtualObjectHandlersShareKeyedState()
    {
        var context = Context();
        Assert.That(Text(await Invoke(Counter.Definition, "add", context, "5")), Is.EqualTo("5"));
        Assert.That(Text(await Invoke(Counter.Definition, "add", context, "5")), Is.EqualTo("10"));
        Assert.That(Text(await Invoke(Counter.Definition, "get", context, "")), Is.EqualTo("10"));
        var reset = await Invoke(Counter.Definition, "reset", context, "");
        Assert.That(reset.Length, Is.Zero, "a void handler returns an empty body");
        Assert.That(context.State, Is.Empty);
    }

    [Test]
    public async Task WorkflowRunCallsAnObjectThroughTheContextClient()
    {
        var context = Context("wf-1");
        context.CallResponse = Encoding.UTF8.GetBytes("7");
        var output = await Invoke(Signup.Definition, "run", context, """{"email":"ada@example.com"}""");

        Assert.That(Text(output), Is.EqualTo("7"));
        Assert.That(context.Calls.Select(c => (c.Target, Encoding.UTF8.GetString(c.Body), c.OneWay)), Is.EqualTo(new[]
        {
            (CallTarget.ForObject("counter", "ada@example.com", "reset"), "", true),
            (CallTarget.ForObject("counter", "ada@example.com", "add"), "1", false),
        }));
        Assert.That(Text(await Invoke(Signup.Definition, "status", context, "")), Is.EqualTo("\"running:wf-1\""));
    }

    [Test]
    public async Task ContextClientWithoutInputSendsAnEmptyBodyAndDecodesTheResult()
    {
        var context = Context();
        context.CallResponse = Encoding.UTF8.GetBytes("42");
        var client = new GreeterContextClient(context);
        Assert.That(await client.CountAsync(), Is.EqualTo(42));
        context.CallResponse = Encoding.UTF8.GetBytes("""{"message":"hi"}""");
        Assert.That(await client.GreetAsync(new GreetRequest("x")), Is.EqualTo(new GreetResponse("hi")));
        Assert.That(context.Calls.Select(c => (c.Target.ToString(), Encoding.UTF8.GetString(c.Body))), Is.EqualTo(new[]
        {
            ("Greeter/count", ""),
            ("Greeter/greet", """{"name":"x","times":1}"""),
        }));
    }

    [Test]
    public void DiscoveryManifestAcceptsTheGeneratedDefinitions()
    {
        var services = _provider.GetRequiredService<IOptions<RestateEndpointOptions>>().Value.Services;
        for (var version = 1; version <= DiscoveryManifest.MaxManifestVersion; version++)
        {
            using var manifest = JsonDocument.Parse(DiscoveryManifest.Build(services, ProtocolMode.BidiStream, version));
            var root = manifest.RootElement;
            Assert.That(root.GetProperty("services").EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("ty").GetString())),
                Is.EqualTo(new[] { ("counter", "VIRTUAL_OBJECT"), ("Greeter", "SERVICE"), ("researcher", "SERVICE"), ("Signup", "WORKFLOW"), ("DurableAgentApprovals", "VIRTUAL_OBJECT") }));

            var greeter = root.GetProperty("services")[1];
            var greet = greeter.GetProperty("handlers")[0];
            Assert.That(greet.GetProperty("input").GetProperty("contentType").GetString(), Is.EqualTo("application/json"));
            Assert.That(greet.GetProperty("input").GetProperty("jsonSchema").GetProperty("type").GetString(), Is.EqualTo("object"));
            var count = greeter.GetProperty("handlers")[2];
            Assert.That(count.GetProperty("input").EnumerateObject().Any(), Is.False, "a no-input handler declares an empty input");

            var run = root.GetProperty("services")[3].GetProperty("handlers")[0];
            Assert.That(run.GetProperty("ty").GetString(), Is.EqualTo("WORKFLOW"));
        }
    }

    [Test]
    public void ToolSchemaMatchesTheSignature()
    {
        using var search = JsonDocument.Parse(ResearchAgent.DurableTools.SearchWebTool.JsonSchema);
        var properties = search.RootElement.GetProperty("properties");
        Assert.That(properties.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "query", "limit" }), "the CancellationToken is not an argument");
        Assert.That(properties.GetProperty("query").GetProperty("type").GetString(), Is.EqualTo("string"));
        Assert.That(properties.GetProperty("query").GetProperty("description").GetString(), Is.EqualTo("What to search for."));
        Assert.That(properties.GetProperty("limit").GetProperty("type").GetString(), Is.EqualTo("integer"));
        Assert.That(search.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "query" }));
        Assert.That(ResearchAgent.DurableTools.SearchWebTool.Description, Is.EqualTo("Searches the web."));

        using var add = JsonDocument.Parse(ResearchAgent.DurableTools.AddTool.JsonSchema);
        Assert.That(add.RootElement.GetProperty("properties").GetProperty("a").GetProperty("description").GetString(), Is.EqualTo("The first addend."));
        Assert.That(add.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(ResearchAgent.DurableTools.AddTool.Description, Is.EqualTo("Adds two integers."));

        using var forget = JsonDocument.Parse(ResearchAgent.DurableTools.ForgetTool.JsonSchema);
        Assert.That(forget.RootElement.GetProperty("properties").GetProperty("depth").GetProperty("enum").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(ResearchAgent.DurableTools.Names, Is.EqualTo(new[] { "search_web", "add", "forget" }));
        Assert.That(ResearchAgent.DurableTools.AgentName, Is.EqualTo("researcher"));
    }

    [Test]
    public async Task ToolRunsOnceAsAJournaledStepAndReplaysTheRecordedResult()
    {
        var agent = new ResearchAgent();
        var context = Context();
        using var args = JsonDocument.Parse("""{"query":"restate"}""");

        var first = await ResearchAgent.DurableTools.Invoke(agent, context, "search_web", "call-1", args.RootElement);
        Assert.That(first.GetRawText(), Is.EqualTo("""["restate#1","restate#2"]"""));
        Assert.That(context.ExecutedSteps, Is.EqualTo(new[] { "tool:search_web:call-1" }));

        // Same call id again (a replay): the journaled result comes back and the body does not run.
        var replayed = await ResearchAgent.DurableTools.Invoke(agent, context, "search_web", "call-1", args.RootElement);
        Assert.That(replayed.GetRawText(), Is.EqualTo(first.GetRawText()));
        Assert.That(agent.Calls, Is.EqualTo(1));

        using var addArgs = JsonDocument.Parse("""{"a":2,"b":3}""");
        Assert.That((await ResearchAgent.DurableTools.Invoke(agent, context, "add", "call-2", addArgs.RootElement)).GetInt32(), Is.EqualTo(5));
        using var empty = JsonDocument.Parse("{}");
        var forgot = await ResearchAgent.DurableTools.Invoke(agent, context, "forget", "call-3", empty.RootElement);
        Assert.That((forgot.ValueKind, agent.Calls), Is.EqualTo((JsonValueKind.Null, 11)), "the default argument (Deep) was used");
        Assert.That(context.ExecutedSteps, Is.EqualTo(new[] { "tool:search_web:call-1", "tool:add:call-2", "tool:forget:call-3" }));
    }

    [Test]
    public void ToolArgumentErrorsAreTerminal()
    {
        var agent = new ResearchAgent();
        using var empty = JsonDocument.Parse("{}");
        var missing = Assert.Throws<TerminalException>(() => ResearchAgent.DurableTools.Invoke(agent, Context(), "add", "c", empty.RootElement));
        Assert.That((missing!.Code, missing.Message), Is.EqualTo(((ushort)400, "Tool 'add': missing argument 'a'.")));
        using var wrong = JsonDocument.Parse("""{"a":"x","b":1}""");
        Assert.That(Assert.Throws<TerminalException>(() => ResearchAgent.DurableTools.Invoke(agent, Context(), "add", "c", wrong.RootElement))!.Code, Is.EqualTo(400));
        Assert.That(Assert.Throws<TerminalException>(() => ResearchAgent.DurableTools.Invoke(agent, Context(), "nope", "c", empty.RootElement))!.Code, Is.EqualTo(404));
    }

    [Test]
    public void KnownTypeNamesMatchTheRuntime()
    {
        Assert.That(new[]
        {
            KnownTypeNames.ServiceAttribute, KnownTypeNames.VirtualObjectAttribute, KnownTypeNames.WorkflowAttribute,
            KnownTypeNames.HandlerAttribute, KnownTypeNames.SharedHandlerAttribute, KnownTypeNames.DurableAgentAttribute,
            KnownTypeNames.DurableToolAttribute, KnownTypeNames.IContext, KnownTypeNames.ISharedObjectContext,
            KnownTypeNames.IObjectContext, KnownTypeNames.ISharedWorkflowContext, KnownTypeNames.IWorkflowContext,
            KnownTypeNames.JsonSerializableAttribute, KnownTypeNames.JsonSerializerContext,
        }, Is.EqualTo(new[]
        {
            typeof(ServiceAttribute).FullName, typeof(VirtualObjectAttribute).FullName, typeof(WorkflowAttribute).FullName,
            typeof(HandlerAttribute).FullName, typeof(SharedHandlerAttribute).FullName, typeof(DurableAgentAttribute).FullName,
            typeof(DurableToolAttribute).FullName, typeof(IContext).FullName, typeof(ISharedObjectContext).FullName,
            typeof(IObjectContext).FullName, typeof(ISharedWorkflowContext).FullName, typeof(IWorkflowContext).FullName,
            typeof(System.Text.Json.Serialization.JsonSerializableAttribute).FullName, typeof(System.Text.Json.Serialization.JsonSerializerContext).FullName,
        }));
    }
}
