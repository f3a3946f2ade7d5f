using DurableAgents.Agents;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using Microsoft.Extensions.AI;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Agents;

/// <summary>Structured output (<c>RunAsync&lt;T&gt;</c>): the schema reaches the model, the answer is parsed, non-JSON is terminal.</summary>
public sealed class StructuredOutputTests
{
    private sealed class JsonModel(string answer) : IChatClient
    {
        public ChatOptions? LastOptions { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastOptions = options;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)) { ModelId = "json" });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException("not streamed in this test");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private static ServiceDefinition Agent(JsonModel model) => new()
    {
        Name = "Reporter",
        Type = ServiceType.Service,
        JsonTypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(TestJsonContext.Default, AgentJson.Resolver),
        Handlers =
        [
            Handler<string, WeatherReport>("run", (ctx, message) =>
                DurableAgentRunner.RunAsync(ctx, message, TestJsonContext.Default.WeatherReport, new DurableAgentOptions { ChatClient = model })),
        ],
    };

    [Test]
    public async Task The_schema_reaches_the_model_and_the_json_answer_becomes_the_typed_output()
    {
        var model = new JsonModel("""{"city":"Paris","temperatureC":11}""");
        var attempt = await JournalHarness.RunAsync(Agent(model), "run", new JournalBuilder().Input("\"weather in Paris?\"").Build());
        var format = model.LastOptions?.ResponseFormat as ChatResponseFormatJson;
        Assert.That(format?.Schema?.GetRawText(), Does.Contain("temperatureC").And.Contain("city"));

        // The model turn was proposed for the journal; replaying it yields the typed output without calling the model again.
        var turn = attempt.Messages.Single(m => m.Type == MessageType.ProposeRunCompletion).Text;
        var value = System.Text.Json.Nodes.JsonNode.Parse(turn)!["value"]!.ToString();
        var journal = new JournalBuilder().Input("\"weather in Paris?\"").Run("llm:1", 1)
            .RunCompletion(1, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value))).Build();
        var replay = await JournalHarness.RunAsync(Agent(new JsonModel("not called")), "run", journal);
        Assert.That(replay.Outcome, Is.EqualTo(InvocationOutcome.Ended));
        var output = replay.Messages.Single(m => m.Type == MessageType.OutputCommand).Text;
        var content = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(System.Text.Json.Nodes.JsonNode.Parse(output)!["value"]!["content"]!.ToString()));
        Assert.That(content, Is.EqualTo("""{"city":"Paris","temperatureC":11}"""));
    }

    [Test]
    public async Task An_answer_that_is_not_json_fails_terminally()
    {
        var model = new JsonModel("It is sunny.");
        var first = await JournalHarness.RunAsync(Agent(model), "run", new JournalBuilder().Input("\"weather?\"").Build());
        var turn = first.Messages.Single(m => m.Type == MessageType.ProposeRunCompletion).Text;
        var value = System.Text.Json.Nodes.JsonNode.Parse(turn)!["value"]!.ToString();
        var journal = new JournalBuilder().Input("\"weather?\"").Run("llm:1", 1)
            .RunCompletion(1, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value))).Build();
        var result = await JournalHarness.RunAsync(Agent(model), "run", journal);
        var output = result.Messages.Single(m => m.Type == MessageType.OutputCommand).Text;
        Assert.That(output, Does.Contain("\"failure\"").And.Contain("not JSON"));
    }
}
