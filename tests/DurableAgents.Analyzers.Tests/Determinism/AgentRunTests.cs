using DurableAgents.Analyzers.Tests.Verifiers;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// DA2014: an Agent Framework agent (matched by metadata name, no package reference) or a library agent type wrapping
/// a raw IChatClient, run in durable code outside a step.
/// </summary>
public class AgentRunTests
{
    /// <summary>The Microsoft Agent Framework surface the rule matches (the real package is not referenced).</summary>
    private const string AgentFrameworkStub = """
        namespace Microsoft.Agents.AI
        {
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class AgentRunResponse { public string Text { get; set; } = ""; }
            public sealed class AgentRunResponseUpdate { public string Text { get; set; } = ""; }
            public abstract class AIAgent
            {
                public abstract Task<AgentRunResponse> RunAsync(string message, CancellationToken cancellationToken = default);
                public abstract IAsyncEnumerable<AgentRunResponseUpdate> RunStreamingAsync(string message, CancellationToken cancellationToken = default);
            }
            public sealed class ChatClientAgent : AIAgent
            {
                public ChatClientAgent(Microsoft.Extensions.AI.IChatClient client, string? instructions = null) { }
                public override Task<AgentRunResponse> RunAsync(string message, CancellationToken cancellationToken = default) => Task.FromResult(new AgentRunResponse());
                public override async IAsyncEnumerable<AgentRunResponseUpdate> RunStreamingAsync(string message, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    await Task.Yield();
                    yield break;
                }
            }
        }

        """;

    [Test]
    public async Task AgentFrameworkRunsInAHandlerAreReportedButNotInsideAStep()
    {
        await VerifyCS.VerifyWithAiAsync(AgentFrameworkStub + """
            [Service]
            public partial class Helpdesk(Microsoft.Extensions.AI.IChatClient chat)
            {
                [Handler]
                public async Task<string> Ask(IContext ctx, string question)
                {
                    var agent = new Microsoft.Agents.AI.ChatClientAgent(chat, "You answer support questions.");
                    var response = await {|#0:agent.RunAsync(question)|};
                    await foreach (var update in {|#1:agent.RunStreamingAsync(question)|}) { }
                    Microsoft.Agents.AI.AIAgent general = agent;
                    await {|#2:general.RunAsync(question)|};
                    var journaled = await ctx.RunAsync("ask", async ct => (await agent.RunAsync(question, ct)).Text);
                    return response.Text + journaled;
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.AgentRunOutsideStep).WithLocation(0).WithArguments("AIAgent.RunAsync", "Helpdesk.Ask"),
            VerifyCS.Diagnostic(RuleIds.AgentRunOutsideStep).WithLocation(1).WithArguments("AIAgent.RunStreamingAsync", "Helpdesk.Ask"),
            VerifyCS.Diagnostic(RuleIds.AgentRunOutsideStep).WithLocation(2).WithArguments("AIAgent.RunAsync", "Helpdesk.Ask"));
    }

    [Test]
    public async Task ALibraryAgentTypeWrappingAChatClientIsReported()
    {
        var library = TestSources.Library("OtherAgents", """
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.AI;

            namespace OtherAgents
            {
                public sealed class SupportAgent
                {
                    private readonly IChatClient _client;
                    public SupportAgent(IChatClient client) => _client = client;
                    public async Task<string> AnswerAsync(string question, CancellationToken ct = default) => (await _client.GetResponseAsync(question, cancellationToken: ct)).Text;
                    public string Name => "support";
                    public string Describe() => "answers";
                }

                public sealed class Formatter
                {
                    public Task<string> FormatAsync(string text) => Task.FromResult(text);
                }
            }
            """, TestSources.RealAi);
        await VerifyCS.VerifyWithReferencesAsync("""
            using OtherAgents;

            [Service]
            public partial class Helpdesk(Microsoft.Extensions.AI.IChatClient chat)
            {
                [Handler]
                public async Task<string> Ask(IContext ctx, string question)
                {
                    var agent = new SupportAgent(chat);
                    var answer = await {|#0:agent.AnswerAsync(question)|};
                    var formatted = await new Formatter().FormatAsync(answer + agent.Name + agent.Describe());
                    return formatted + await ctx.RunAsync("ask", ct => agent.AnswerAsync(question, ct));
                }
            }
            """,
            [.. TestSources.RealAi, library],
            VerifyCS.Diagnostic(RuleIds.AgentRunOutsideStep).WithLocation(0).WithArguments("SupportAgent.AnswerAsync", "Helpdesk.Ask"));
    }

    [Test]
    public async Task WithoutTheAgentFrameworkAndAChatClientTheRuleIsSilent()
    {
        await VerifyCS.VerifyAsync("""
            public abstract class AIAgent { public Task<string> RunAsync(string message) => Task.FromResult(message); }
            public sealed class MyAgent : AIAgent { }

            [Service]
            public partial class Helpdesk
            {
                [Handler]
                public async Task<string> Ask(IContext ctx, string question) => await new MyAgent().RunAsync(question);
            }
            """);
    }
}
