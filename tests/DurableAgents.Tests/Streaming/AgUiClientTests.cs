using System.Text.Json.Nodes;
using DurableAgents.Tests.Agents;

namespace DurableAgents.Tests.Streaming;

/// <summary>The npm <c>@ag-ui/client</c> (HttpAgent, with its event verifier) consumes a run's AG-UI stream in Node.</summary>
public sealed class AgUiClientTests : StreamingFixture
{
    [Test]
    public async Task The_ag_ui_client_consumes_a_streamed_run_with_a_tool_call()
    {
        const string answer = "Porto will be sunny and 24 C all week.";
        Scripts["Porto"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_porto", "get_forecast", Args("city", "Porto")))
            : FakeReply.Say(answer);
        var runId = await SendAsync("StreamingTravelAgent/run", "\"Weather in Porto this week?\"");

        var result = await NodeScript.RunAsync("agui-client.mjs", new Uri(StreamBase(WebPort), runId + "/agui").ToString());

        Assert.That(result["error"], Is.Null, result.ToJsonString());
        var types = result["types"]!.AsArray().Select(t => t!.ToString()).ToList();
        Assert.That(types[0], Is.EqualTo("RUN_STARTED"));
        Assert.That(types[^1], Is.EqualTo("RUN_FINISHED"));
        Assert.That(types, Does.Contain("TOOL_CALL_START").And.Contain("TOOL_CALL_ARGS").And.Contain("TOOL_CALL_END").And.Contain("TOOL_CALL_RESULT"));
        Assert.That(types.Count(t => t == "TEXT_MESSAGE_CONTENT"), Is.GreaterThan(1), "the answer streamed in several deltas: " + string.Join(",", types));
        Assert.That(result["toolResults"]![0]!["content"]!.ToString(), Is.EqualTo("Forecast for Porto: sunny, 24 C"));
        Assert.That(result["result"]!.ToString(), Is.EqualTo(answer));

        // The client assembled the messages from the events: the assistant's tool call and the streamed answer.
        var messages = result["messages"]!.AsArray();
        Assert.That(messages.Any(m => m!["toolCalls"]?.AsArray().Any(c => c!["id"]!.ToString() == "call_porto") == true), Is.True, result.ToJsonString());
        Assert.That(messages.Where(m => m!["role"]!.ToString() == "assistant").Select(m => m!["content"]?.ToString()), Does.Contain(answer));
    }
}
