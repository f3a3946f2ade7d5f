using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Agents;
using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Serialization;
using DurableAgents.Testing;
using Microsoft.Extensions.AI;

namespace DurableAgents.Tests.Agents;

/// <summary>Session history above the size limit is compacted through a journaled summarization call.</summary>
public sealed class CompactionTests
{
    private sealed class SummarizingModel : IChatClient
    {
        public List<List<ChatMessage>> Seen { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            lock (Seen) Seen.Add(list);
            var isSummary = list[0].Role == ChatRole.System && list[0].Text.StartsWith("Summarize the conversation", StringComparison.Ordinal);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, isSummary ? "SUMMARY: Ada asked about Paris twice." : "answer")) { ModelId = "m" });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException("not streamed in this test");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private static ServiceDefinition Session(SummarizingModel model) => new()
    {
        Name = "SessionAgent",
        Type = ServiceType.VirtualObject,
        JsonTypeInfoResolver = AgentJson.Resolver,
        Handlers =
        [
            new HandlerDefinition
            {
                Name = "run",
                Type = HandlerType.Exclusive,
                Invoker = async (ctx, input) =>
                {
                    var spec = new DurableAgentSpec
                    {
                        Name = "SessionAgent",
                        Session = true,
                        Configure = o =>
                        {
                            o.ChatClient = model;
                            o.Compaction = new HistoryCompaction { MaxCharacters = 300, KeepLastMessages = 2 };
                        },
                    };
                    var response = await DurableAgentRunner.RunAsync(ctx, spec, AgentRequest.FromMessage(Encoding.UTF8.GetString(input.Span).Trim('"')));
                    return JsonSerde.Serialize(response.Text, BuiltInJsonContext.Default.String);
                },
            },
        ],
    };

    private static string History()
    {
        var history = new List<ChatMessage>();
        for (var i = 0; i < 3; i++)
        {
            history.Add(new ChatMessage(ChatRole.User, $"Question {i}: what is the weather in Paris today, and should I take an umbrella? " + new string('x', 40)));
            history.Add(new ChatMessage(ChatRole.Assistant, $"Answer {i}: it is cloudy, 11 C; an umbrella is a good idea. " + new string('y', 40)));
        }

        return JsonSerializer.Serialize((IList<ChatMessage>)history, AgentJson.Messages);
    }

    [Test]
    public async Task A_long_history_is_summarized_in_a_journaled_step_and_replaced_by_the_summary()
    {
        var model = new SummarizingModel();
        var state = new Dictionary<string, string> { [DurableAgentRunner.HistoryKey] = History() };

        // Attempt 1: the summarization call is the first step.
        var first = await JournalHarness.RunAsync(Session(model), "run", new JournalBuilder(key: "ada").State(state).Input("\"And tomorrow?\"").Build());
        var run = first.Messages.First(m => m.Type == MessageType.RunCommand);
        var stepName = JsonNode.Parse(run.Text)!["name"]!.ToString();
        Assert.That(stepName, Does.StartWith("compact"));
        Assert.That(model.Seen, Has.Count.EqualTo(1));
        Assert.That(model.Seen[0][1].Text, Does.Contain("Question 0").And.Contain("Answer 1"), "the older messages are the transcript to summarize");
        // Attempt 2: the summary is journaled; the model's next turn sees the summary, the kept messages and the new question.
        var second = await JournalHarness.RunAsync(Session(model), "run",
            new JournalBuilder(key: "ada").State(state).Input("\"And tomorrow?\"").Continue(first).Build());
        Assert.That(model.Seen, Has.Count.EqualTo(2), "the summary was replayed, not requested again; one model turn followed");
        var prompt = model.Seen[1];
        Assert.That(prompt.Any(m => m.Text.Contains("SUMMARY: Ada asked about Paris twice.", StringComparison.Ordinal)), Is.True);
        Assert.That(prompt.Any(m => m.Text.StartsWith("Question 0", StringComparison.Ordinal)), Is.False, "summarized messages are not sent again");
        Assert.That(prompt.Any(m => m.Text.StartsWith("Question 2", StringComparison.Ordinal)), Is.True, "the last messages are kept verbatim");
        Assert.That(prompt[^1].Text, Is.EqualTo("And tomorrow?"));
        Assert.That(second.ErrorCode, Is.Null, string.Join("\n", second.Messages));
    }
}
