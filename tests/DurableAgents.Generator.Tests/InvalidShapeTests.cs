using DurableAgents.Generator.Tests.Infrastructure;

namespace DurableAgents.Generator.Tests;

/// <summary>Invalid declarations produce no code (the analyzers report them); valid neighbours are unaffected.</summary>
public class InvalidShapeTests
{
    private const string Usings = "using System.Threading; using System.Threading.Tasks; using DurableAgents;\n";

    [TestCase("[Service] public class NotPartial { [Handler] public static Task A() => Task.CompletedTask; }", TestName = "Class not partial")]
    [TestCase("[Service] public partial class Generic<T> { [Handler] public static Task A() => Task.CompletedTask; }", TestName = "Generic class")]
    [TestCase("public class Outer { [Service] public partial class Inner { [Handler] public static Task A() => Task.CompletedTask; } }", TestName = "Containing type not partial")]
    [TestCase("[Service] public abstract partial class Abstract { [Handler] public static Task A() => Task.CompletedTask; }", TestName = "Abstract class")]
    [TestCase("[Service] public partial class S { [Handler] public static string A() => \"\"; }", TestName = "Synchronous return type")]
    [TestCase("[Service] public partial class S { [Handler] public static Task A(int a, int b) => Task.CompletedTask; }", TestName = "Two inputs")]
    [TestCase("[Service] public partial class S { [Handler] public static Task A(int a, IContext c) => Task.CompletedTask; }", TestName = "Context not first")]
    [TestCase("[Service] public partial class S { [Handler] public static Task A(IObjectContext c) => Task.CompletedTask; }", TestName = "Object context in a service")]
    [TestCase("[VirtualObject] public partial class O { [SharedHandler] public static Task A(IObjectContext c) => Task.CompletedTask; }", TestName = "Writable context in a shared handler")]
    [TestCase("[Service] public partial class S { [SharedHandler] public static Task A() => Task.CompletedTask; }", TestName = "Shared handler in a service")]
    [TestCase("[Service] public partial class S { [Handler] public static Task A(ref int x) => Task.CompletedTask; }", TestName = "ref parameter")]
    [TestCase("[Service] public partial class S { [Handler] public static Task A(CancellationToken ct) => Task.CompletedTask; }", TestName = "CancellationToken input")]
    [TestCase("[Service] public partial class S { [Handler] public static Task<T> A<T>(T x) => Task.FromResult(x); }", TestName = "Generic method")]
    [TestCase("[Service] public partial class S { [Handler(\"a\")] public static Task A() => Task.CompletedTask; [Handler(\"a\")] public static Task B() => Task.CompletedTask; }", TestName = "Duplicate handler names")]
    [TestCase("[Workflow] public partial class W { [SharedHandler] public static Task A(ISharedWorkflowContext c) => Task.CompletedTask; }", TestName = "Workflow without run handler")]
    [TestCase("[Workflow] public partial class W { [Handler] public static Task Run() => Task.CompletedTask; [Handler] public static Task Again() => Task.CompletedTask; }", TestName = "Workflow with two run handlers")]
    [TestCase("[Service, VirtualObject] public partial class Both { [Handler] public static Task A() => Task.CompletedTask; }", TestName = "Two kinds")]
    [TestCase("[Service] public partial class S { [Handler, SharedHandler] public static Task A() => Task.CompletedTask; }", TestName = "Handler and SharedHandler")]
    [TestCase("[DurableAgent] public partial class Ag { [DurableTool] public static int A(IContext c) => 1; }", TestName = "Tool taking a context")]
    [TestCase("[DurableAgent] public partial class Ag { [DurableTool(\"x\")] public static int A() => 1; [DurableTool(\"x\")] public static int B() => 1; }", TestName = "Duplicate tool names")]
    [TestCase("[DurableAgent, McpServer(\"a\")] public partial class Ag;", TestName = "McpServer without Command or Url")]
    [TestCase("[DurableAgent, McpServer(\"a\", Command = \"x\", Url = \"http://h/mcp\")] public partial class Ag;", TestName = "McpServer with Command and Url")]
    [TestCase("[DurableAgent, McpServer(\"a\", Command = \"x\"), McpServer(\"a\", Command = \"y\")] public partial class Ag;", TestName = "Duplicate McpServer names")]
    [TestCase("[DurableAgent, McpServer(\"a b\", Command = \"x\")] public partial class Ag;", TestName = "Malformed McpServer name")]
    [TestCase("[DurableAgent, McpServer(\"a\", Url = \"/mcp\")] public partial class Ag;", TestName = "Relative McpServer Url")]
    public void ProducesNoCode(string declaration)
    {
        var compilation = GeneratorHarness.Compile([Usings + declaration]);
        var (_, _, result) = GeneratorHarness.Run(compilation);
        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName), Is.Empty);
    }

    [Test]
    public void AnInvalidClassDoesNotAffectAValidOne()
    {
        var compilation = GeneratorHarness.Compile(
        [
            Usings + "[Service] public partial class Good { [Handler] public static Task A() => Task.CompletedTask; }",
            Usings + "[Service] public partial class Bad { [Handler] public static Task A(int a, int b) => Task.CompletedTask; }",
        ]);
        var (_, output, result) = GeneratorHarness.Run(compilation);
        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName),
            Is.EquivalentTo(new[] { "DurableAgents.Registration.g.cs", "Good.Restate.g.cs" }));
        Assert.That(GeneratorHarness.Problems(output), Is.Empty);
    }

    [Test]
    public void WithoutTheIngressClientTypeOnlyTheContextClientIsEmitted()
    {
        var compilation = GeneratorHarness.Compile([Usings + "[Service] public partial class S { [Handler] public static Task A() => Task.CompletedTask; }"], withIngressStub: false);
        var (_, output, result) = GeneratorHarness.Run(compilation);
        var text = result.Results.Single().GeneratedSources.Single(s => s.HintName == "S.Restate.g.cs").SourceText.ToString();
        Assert.That(text, Does.Contain("class SContextClient"));
        Assert.That(text, GeneratorHarness.RuntimeHasIngressClient ? Does.Contain("class SClient") : Does.Not.Contain("class SClient"));
        Assert.That(GeneratorHarness.Problems(output), Is.Empty);
    }

    [Test]
    public void RegistrationNamespaceComesFromTheRootNamespaceOrTheAssemblyName()
    {
        Assert.That(RestateGenerator.RegistrationNamespace("My.App", "Other"), Is.EqualTo("My.App"));
        Assert.That(RestateGenerator.RegistrationNamespace(null, "my-app.2nd"), Is.EqualTo("my_app._2nd"));
        Assert.That(RestateGenerator.RegistrationNamespace("", "class"), Is.EqualTo("@class"));
        Assert.That(RestateGenerator.RegistrationNamespace(null, null), Is.EqualTo("DurableAgents.Generated"));
    }
}
