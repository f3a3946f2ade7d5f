using DurableAgents.Generator.Tests.Infrastructure;

namespace DurableAgents.Generator.Tests;

/// <summary>The <c>AsAIAgent</c> adapter on agent ingress clients: emitted only when Microsoft Agent Framework is referenced.</summary>
public class AgentFrameworkAdapterTests
{
    private const string Agents = """
        using DurableAgents;

        namespace Demo;

        [DurableAgent("Helper")]
        [System.ComponentModel.Description("Helps.")]
        public partial class Helper;

        [DurableAgent("Chat", Session = true)]
        public partial class Chat;
        """;

    [Test]
    public void WithAgentFrameworkEveryAgentClientGetsAnAdapterThatCompiles()
    {
        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.Compile([Agents]));
        var text = GeneratorHarness.GeneratedText(result);
        Assert.That(GeneratorHarness.Problems(output), Is.Empty);
        Assert.That(text, Does.Contain("new global::DurableAgents.AgentFramework.DurableAgentProxy(client, ServiceName, false, "));
        Assert.That(text, Does.Contain("new global::DurableAgents.AgentFramework.DurableAgentProxy(client, ServiceName, true, "));
        Assert.That(text.Split("public static global::DurableAgents.AgentFramework.DurableAgentProxy AsAIAgent(").Length - 1, Is.EqualTo(2));
    }

    [Test]
    public void WithoutAgentFrameworkNoAdapterIsEmittedAndTheRestStillCompiles()
    {
        var compilation = GeneratorHarness.Compile([Agents]).RemoveReferences(GeneratorHarness.AgentFrameworkReference);
        var (_, output, result) = GeneratorHarness.Run(compilation);
        var text = GeneratorHarness.GeneratedText(result);
        Assert.That(text, Does.Contain("class HelperClient"), "the typed ingress client is still emitted");
        Assert.That(text, Does.Not.Contain("AsAIAgent"));
        Assert.That(GeneratorHarness.Problems(output).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error), Is.Empty);
    }
}
