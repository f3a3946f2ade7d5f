using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Testing;

namespace DurableAgents.Tests.Agents;

/// <summary>
/// The agents of tests/DurableAgents.TestService in a child process, with the real restate-server and a local
/// OpenAI-compatible fake server behind the real OpenAI client (see <see cref="AgentEndToEndFixture"/>): crash and resume,
/// parallel tools, provider errors, streaming, sessions and sub-agents. Approvals: <see cref="AgentApprovalTests"/>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AgentEndToEndTests : AgentEndToEndFixture
{
    [Test]
    public async Task Kill9_after_the_first_tool_step_resumes_without_paying_again_for_completed_turns()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var turn2 = 0;
        Scripts["Lyon"] = r =>
        {
            if (r.ToolResults.Count == 0)
            {
                return FakeReply.Call(("call_lyon", "get_weather", Args("city", "Lyon")));
            }

            // The first answer to turn 2 hangs until the test has killed the service.
            return Interlocked.Increment(ref turn2) == 1
                ? FakeReply.Say("It is sunny in Lyon.") with { Before = () => release.Task }
                : FakeReply.Say("It is sunny in Lyon.");
        };

        var id = await SendAsync("TravelAgent/run", "\"What is the weather in Lyon?\"");
        await WaitUntilAsync(() => Volatile.Read(ref turn2) >= 1, "turn 2 reached the model (turn 1 and the tool step are journaled)");
        Assert.That(SideEffectCount("get_weather:Lyon"), Is.EqualTo(1));

        await Endpoint.KillAsync();
        await Endpoint.StartAsync();
        release.SetResult();

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var response = JsonNode.Parse(body)!;
        Assert.That(response["text"]!.ToString(), Is.EqualTo("It is sunny in Lyon."));
        Assert.That(response["turns"]!.GetValue<int>(), Is.EqualTo(2));

        var requests = RequestsFor("Lyon");
        Assert.That(requests.Count(r => r.ToolResults.Count == 0), Is.EqualTo(1), "the completed first turn was journaled: the model was not called again for it");
        Assert.That(requests.Count(r => r.ToolResults.Count > 0), Is.EqualTo(2), "turn 2 was in flight at the crash, so it ran again once");
        Assert.That(SideEffectCount("get_weather:Lyon"), Is.EqualTo(1), "the journaled tool step did not run again");
        Assert.That(requests[^1].ToolResults.Single().Content, Does.Contain("Sunny, 21 C in Lyon"), "the replayed tool result reached the model");
        Assert.That(requests[0].Tools, Is.EqualTo(new[] { "get_weather" }));
        Assert.That(requests[0].Messages[0], Is.EqualTo(("system", "You help travellers. Use get_weather for weather questions.", (string?)null)));
    }

    [Test]
    public async Task Parallel_tool_calls_run_once_each_and_answer_in_call_order()
    {
        Scripts["Madrid"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_m1", "get_weather", Args("city", "Madrid")), ("call_m2", "get_weather", Args("city", "Rome")), ("call_m3", "get_weather", Args("city", "Vienna")))
            : FakeReply.Say("Three sunny cities around Madrid.");

        var (status, body) = await PostAsync("TravelAgent/run", "\"Weather in Madrid, Rome and Vienna?\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var last = RequestsFor("Madrid")[^1];
        Assert.That(last.ToolResults.Select(t => t.ToolCallId), Is.EqualTo(new[] { "call_m1", "call_m2", "call_m3" }));
        Assert.That(new[] { "Madrid", "Rome", "Vienna" }.Select(c => SideEffectCount("get_weather:" + c)), Is.All.EqualTo(1));
        Assert.That(JsonNode.Parse(body)!["toolCalls"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_429_with_Retry_After_is_retried_after_that_delay()
    {
        var calls = 0;
        Scripts["Oslo"] = _ => Interlocked.Increment(ref calls) == 1
            ? new FakeReply { Status = 429, RetryAfter = "2" }
            : FakeReply.Say("Cold in Oslo.");

        var (status, body) = await PostAsync("TravelAgent/run", "\"Anything about Oslo?\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var requests = RequestsFor("Oslo");
        Assert.That(requests, Has.Count.EqualTo(2));
        var gap = requests[1].Received - requests[0].Received;
        Assert.That(gap, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.8)), "Retry-After: 2 was honoured (the default backoff starts at 1 s)");
    }

    [Test]
    public async Task A_400_from_the_provider_fails_the_invocation_terminally()
    {
        Scripts["Atlantis"] = _ => new FakeReply { Status = 400 };

        var (status, body) = await PostAsync("TravelAgent/run", "\"Weather in Atlantis?\"");
        Assert.That((int)status, Is.EqualTo(400), body);
        Assert.That(body, Does.Contain("rejected the request (400)"));
        await Task.Delay(500);
        Assert.That(RequestsFor("Atlantis"), Has.Count.EqualTo(1), "a bad request is not retried");
    }

    [Test]
    public async Task Streaming_agent_answers_with_the_streamed_text_and_runs_streamed_tool_calls_once()
    {
        const string answer = "Porto will be sunny and 24 C, and your hotel is booked for two nights.";
        var hotel = new JsonObject { ["city"] = "Porto", ["nights"] = 2 }.ToJsonString();
        Scripts["Porto"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_pf", "get_forecast", Args("city", "Porto")), ("call_ph", "book_hotel", hotel))
            : FakeReply.Say(answer);
        var before = SideEffectLines().Length;

        var (status, body) = await PostAsync("StreamingTravelAgent/run", "\"Weather in Porto? And book me a hotel there for 2 nights.\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var response = JsonNode.Parse(body)!;
        var requests = RequestsFor("Porto");
        Assert.That(requests, Has.Count.EqualTo(2), "one streamed turn with the tool calls, one with the answer");
        Assert.That(requests.Select(r => r.Stream), Is.All.True, "every model call of the agent was a streaming request");
        Assert.That(requests[0].Tools, Is.EqualTo(new[] { "get_forecast", "book_hotel" }));

        // The answer: the deltas the fake streamed, reassembled, and seen live by OnUpdate one SSE chunk at a time.
        var streamed = requests[1].StreamedContent;
        Assert.That(streamed, Has.Count.GreaterThan(1));
        Assert.That(string.Concat(streamed), Is.EqualTo(answer));
        Assert.That(response["text"]!.ToString(), Is.EqualTo(string.Concat(streamed)), "the journaled answer is the streamed text");
        Assert.That(LiveUpdatesSince(before), Is.EqualTo(streamed), "OnUpdate received every delta live, in order");
        Assert.That(response["turns"]!.GetValue<int>(), Is.EqualTo(2));

        // The tool calls arrived as an id/name chunk plus argument fragments; each ran once with the reassembled arguments.
        Assert.That(response["toolCalls"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(SideEffectCount("get_forecast:Porto"), Is.EqualTo(1));
        Assert.That(SideEffectCount("book_hotel:Porto:2"), Is.EqualTo(1));
        Assert.That(requests[1].ToolResults.Select(t => t.ToolCallId), Is.EqualTo(new[] { "call_pf", "call_ph" }));
        Assert.That(requests[1].ToolResults.Select(t => t.Content), Is.EqualTo(new[] { "\"Forecast for Porto: sunny, 24 C\"", "\"Booked 2 nights in Porto.\"" }));

        // Usage came in the stream's last chunk and was aggregated into the journaled responses.
        Assert.That(requests.Select(r => r.IncludeUsage), Is.All.True, "the client asked for stream usage");
        Assert.That(response["inputTokens"]!.GetValue<long>(), Is.EqualTo(requests.Sum(r => 10L * r.Index)));
        Assert.That(response["outputTokens"]!.GetValue<long>(), Is.EqualTo(10));
    }

    [Test]
    public async Task Streaming_agent_killed_mid_stream_after_its_tool_step_resumes_without_repeating_completed_work()
    {
        const string answer = "Misty in Sintra this morning, clear skies after noon.";
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var turn2 = 0;
        Scripts["Sintra"] = r =>
        {
            if (r.ToolResults.Count == 0)
            {
                return FakeReply.Call(("call_sintra", "get_forecast", Args("city", "Sintra")));
            }

            // The first answer to turn 2 streams its first word, then stalls until the test has killed the service.
            return Interlocked.Increment(ref turn2) == 1
                ? FakeReply.Say(answer) with { Midway = () => release.Task }
                : FakeReply.Say(answer);
        };
        var before = SideEffectLines().Length;

        var id = await SendAsync("StreamingTravelAgent/run", "\"What is the forecast for Sintra?\"");
        await WaitUntilAsync(() => LiveUpdatesSince(before).Contains("Misty"), "the first delta of turn 2 reached the agent (turn 1 and the tool step are journaled)");
        Assert.That(SideEffectCount("get_forecast:Sintra"), Is.EqualTo(1));
        Assert.That(LiveUpdatesSince(before), Is.EqualTo(new[] { "Misty" }), "turn 2 is stalled half-way through its stream");

        await Endpoint.KillAsync();
        await Endpoint.StartAsync();
        release.SetResult();

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var response = JsonNode.Parse(body)!;
        var requests = RequestsFor("Sintra");
        Assert.That(requests.Select(r => r.Stream), Is.All.True);
        Assert.That(requests.Count(r => r.ToolResults.Count == 0), Is.EqualTo(1), "the completed streamed first turn was journaled: the model was not called again for it");
        Assert.That(requests.Count(r => r.ToolResults.Count > 0), Is.EqualTo(2), "turn 2 was mid-stream at the crash, so it was requested again once");
        Assert.That(SideEffectCount("get_forecast:Sintra"), Is.EqualTo(1), "the journaled tool step did not run again");
        Assert.That(requests[^1].ToolResults.Single().Content, Does.Contain("Forecast for Sintra"), "the replayed tool result reached the model");
        Assert.That(response["text"]!.ToString(), Is.EqualTo(answer));
        Assert.That(string.Concat(requests[^1].StreamedContent), Is.EqualTo(answer), "the answer is the text of the stream that completed");
        Assert.That(response["turns"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(response["toolCalls"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Session_history_survives_a_service_restart()
    {
        Scripts["turquoise"] = r => FakeReply.Say("Noted #" + r.Messages.Count(m => m.Role == "user"));
        var (s1, b1) = await PostAsync("Concierge/s-history/run", "\"My favourite colour is turquoise.\"");
        Assert.That(s1, Is.EqualTo(HttpStatusCode.OK), b1);

        await Endpoint.KillAsync();
        await Endpoint.StartAsync();

        var (s2, b2) = await PostAsync("Concierge/s-history/run", "\"Which colour did I mention (turquoise)?\"");
        Assert.That(s2, Is.EqualTo(HttpStatusCode.OK), b2);
        Assert.That(JsonNode.Parse(b2)!["text"]!.ToString(), Is.EqualTo("Noted #2"), "the model saw both user messages");
        var second = RequestsFor("turquoise")[^1];
        Assert.That(second.Messages.Select(m => m.Role), Is.EqualTo(new[] { "system", "user", "assistant", "user" }));
        Assert.That(second.Messages[2].Content, Is.EqualTo("Noted #1"));

        var (hs, history) = await PostAsync("Concierge/s-history/history", "");
        Assert.That(hs, Is.EqualTo(HttpStatusCode.OK), history);
        var messages = JsonNode.Parse(history)!.AsArray();
        Assert.That(messages.Select(m => m!["role"]!.ToString()), Is.EqualTo(new[] { "user", "assistant", "user", "assistant" }));
    }

    [Test]
    public async Task Cancelling_a_parent_agent_cancels_the_sub_agent_invocation()
    {
        Scripts["quasars"] = r => r.Tools.Contains("ask_researcher") && r.ToolResults.Count == 0
            ? FakeReply.Call(("call_ask", "ask_researcher", Args("message", "research quasars")))
            : r.Tools.Contains("research") && r.ToolResults.Count == 0
                ? FakeReply.Call(("call_research", "research", Args("topic", "quasars")))
                : FakeReply.Say("done");

        var id = await SendAsync("Lead/run", "\"Tell me about quasars\"");
        await WaitUntilAsync(() => SideEffectCount("research:start:quasars") == 1, "the sub-agent's tool started");
        var children = await Server.QueryAsync("SELECT id FROM sys_invocation WHERE target_service_name = 'Researcher'");
        var childId = children.Single()!["id"]!.ToString();

        using (var cancel = await Server.Http.PatchAsync(new Uri(Server.AdminUri, $"invocations/{id}/cancel"), null))
        {
            Assert.That((int)cancel.StatusCode, Is.InRange(200, 299), await cancel.Content.ReadAsStringAsync());
        }

        var (parentStatus, parentBody) = await AttachAsync(id);
        Assert.That((int)parentStatus, Is.EqualTo(409), parentBody);
        var (childStatus, childBody) = await AttachAsync(childId);
        Assert.That((int)childStatus, Is.EqualTo(409), "the sub-agent was cancelled too: " + childBody);
        Assert.That(SideEffectCount("research:done:quasars"), Is.EqualTo(0), "its running tool step was cancelled");
    }
}
