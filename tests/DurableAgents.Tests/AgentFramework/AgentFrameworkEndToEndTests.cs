using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.AgentFramework;
using DurableAgents.Agents;
using DurableAgents.TestService;
using DurableAgents.Tests.Agents;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;

namespace DurableAgents.Tests.AgentFramework;

/// <summary>
/// Microsoft Agent Framework end to end, with the real restate-server, the test service in a child process and the real
/// OpenAI client against the local fake: (a) Agent Framework agents run durably in a Virtual Object (MafHost), (b)
/// generated [DurableAgent] proxies used as AIAgents, alone and inside an Agent Framework workflow.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AgentFrameworkEndToEndTests : AgentEndToEndFixture
{
    [Test]
    public async Task ChatClientAgent_journals_each_model_response_and_tool_call_and_resumes_after_kill9()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var turn2 = 0;
        Scripts["Oslo"] = r =>
        {
            if (r.ToolResults.Count == 0)
            {
                return FakeReply.Call(("call_oslo", "maf_weather", Args("city", "Oslo")));
            }

            // The first answer to turn 2 hangs until the test has killed the service.
            return Interlocked.Increment(ref turn2) == 1
                ? FakeReply.Say("It rains in Oslo.") with { Before = () => release.Task }
                : FakeReply.Say("It rains in Oslo.");
        };

        var id = await SendAsync("MafHost/oslo-1/chat", "\"What is the weather in Oslo?\"");
        await WaitUntilAsync(() => Volatile.Read(ref turn2) >= 1, "turn 2 reached the model (turn 1 and the tool step are journaled)");
        Assert.That(SideEffectCount("maf_weather:Oslo"), Is.EqualTo(1));

        await Endpoint.KillAsync();
        await Endpoint.StartAsync();
        release.SetResult();

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body)!.ToString(), Is.EqualTo("It rains in Oslo."));

        var requests = RequestsFor("Oslo");
        Assert.That(requests.Count(r => r.ToolResults.Count == 0), Is.EqualTo(1), "the journaled first model response was not requested again");
        Assert.That(requests.Count(r => r.ToolResults.Count > 0), Is.EqualTo(2), "turn 2 was in flight at the crash, so it ran again once");
        Assert.That(SideEffectCount("maf_weather:Oslo"), Is.EqualTo(1), "the journaled tool step did not run again");
        Assert.That(requests[^1].ToolResults.Single().Content, Does.Contain("Rainy, 12 C in Oslo"), "the replayed tool result reached the model");
        Assert.That(requests[0].Tools, Is.EqualTo(new[] { "maf_weather" }), "the model saw the agent's function tool");
        Assert.That(requests[0].Messages[0].Content, Does.Contain("You are a weather assistant."), "the agent's instructions were sent");
        Assert.That(await StepNamesAsync(id), Is.EqualTo(new[] { "llm:1", "tool:maf_weather:call_oslo", "llm:2" }), "one step per model response and per tool call");
    }

    [Test]
    public async Task The_session_is_kept_in_virtual_object_state_across_calls()
    {
        Scripts["Bergen"] = r => r.Messages.Count(m => m.Role == "user") == 1
            ? FakeReply.Say("Noted: you live in Bergen.")
            : FakeReply.Say("You told me you live in Bergen.");

        var (status1, first) = await PostAsync("MafHost/bergen-1/chat", "\"I live in Bergen.\"");
        Assert.That(status1, Is.EqualTo(HttpStatusCode.OK), first);
        var (status2, second) = await PostAsync("MafHost/bergen-1/chat", "\"Where do I live? (Bergen quiz)\"");
        Assert.That(status2, Is.EqualTo(HttpStatusCode.OK), second);
        Assert.That(JsonNode.Parse(second)!.ToString(), Is.EqualTo("You told me you live in Bergen."));

        var last = RequestsFor("Bergen")[^1];
        var conversation = last.Messages.Where(m => m.Role != "system").Select(m => (m.Role, m.Content)).ToList();
        Assert.That(conversation, Is.EqualTo(new[]
        {
            ("user", "I live in Bergen."),
            ("assistant", "Noted: you live in Bergen."),
            ("user", "Where do I live? (Bergen quiz)"),
        }), "the second call's model request carries the first exchange");

        var rows = await Server.QueryAsync("select key, value_utf8 from state where service_name = 'MafHost' and service_key = 'bergen-1'");
        var state = rows.Select(r => (r!["key"]!.ToString(), r["value_utf8"]?.ToString() ?? "")).ToList();
        Assert.That(state.Select(s => s.Item1), Does.Contain("maf:session:weather"));
        Assert.That(state.Single(s => s.Item1 == "maf:session:weather").Item2, Does.Contain("Noted: you live in Bergen."), "the serialized session holds the conversation");
    }

    [Test]
    public async Task An_agent_that_is_not_a_chat_client_agent_is_one_step_per_run_with_its_session_in_state()
    {
        var id1 = await SendAsync("MafHost/echo-1/echo", "\"hello\"");
        var (status1, body1) = await AttachAsync(id1);
        Assert.That(status1, Is.EqualTo(HttpStatusCode.OK), body1);
        var (status2, body2) = await PostAsync("MafHost/echo-1/echo", "\"again\"");
        Assert.That(status2, Is.EqualTo(HttpStatusCode.OK), body2);

        Assert.That(JsonNode.Parse(body1)!.ToString(), Is.EqualTo("echo #1: hello"));
        Assert.That(JsonNode.Parse(body2)!.ToString(), Is.EqualTo("echo #2: again"), "the session (a run counter) came back from state");
        Assert.That(SideEffectCount("echo:hello:1"), Is.EqualTo(1));
        Assert.That(await StepNamesAsync(id1), Is.EqualTo(new[] { "agent:echo" }));
    }

    [Test]
    public async Task A_durable_agent_proxy_runs_as_a_step_of_an_agent_framework_workflow()
    {
        Scripts["Kyoto"] = r => r.Messages.Any(m => m.Content.Contains("You help travellers.", StringComparison.Ordinal))
            ? FakeReply.Say("Pack an umbrella for Kyoto.")
            : FakeReply.Say("Plan: check the weather in Kyoto.");

        var planner = new ChatClientAgent(LocalModel(), instructions: "You plan trips.", name: "planner");
        var travel = TravelAgentClient.AsAIAgent(Server.Ingress);
        Assert.That(travel.Description, Is.EqualTo("Answers travel questions, including the weather."), "the generated adapter carries the agent's description");
        var workflow = AgentWorkflowBuilder.BuildSequential(planner, travel);

        List<ChatMessage>? output = null;
        await using (var run = await InProcessExecution.RunStreamingAsync(workflow, new List<ChatMessage> { new(ChatRole.User, "A weekend in Kyoto?") }))
        {
            await run.TrySendMessageAsync(new TurnToken(emitEvents: true));
            await foreach (var e in run.WatchStreamAsync())
            {
                if (e is WorkflowOutputEvent o && o.Is<List<ChatMessage>>(out var messages))
                {
                    output = messages;
                    break;
                }

                if (e is WorkflowErrorEvent error)
                {
                    Assert.Fail("The workflow failed: " + error.Exception);
                }

                if (e is ExecutorFailedEvent failed)
                {
                    Assert.Fail("An executor failed: " + failed.Data);
                }
            }
        }

        Assert.That(output, Is.Not.Null, "the workflow produced its output");
        Assert.That(output![^1].Text, Is.EqualTo("Pack an umbrella for Kyoto."), "the durable agent's answer ends the workflow");
        var durableRequest = RequestsFor("Kyoto").Single(r => r.Messages.Any(m => m.Content.Contains("You help travellers.", StringComparison.Ordinal)));
        Assert.That(durableRequest.LastUser, Does.Contain("Plan: check the weather in Kyoto.").And.Contain("A weekend in Kyoto?"), "the durable agent saw the conversation so far");
    }

    [Test]
    public async Task A_session_proxy_keeps_the_conversation_across_runs_and_its_session_round_trips()
    {
        Scripts["Sushi"] = r => r.Messages.Count(m => m.Role == "user") == 1
            ? FakeReply.Say("Which time for Sushi Bar?")
            : FakeReply.Say("Noted 8pm at Sushi Bar.");

        var concierge = ConciergeClient.AsAIAgent(Server.Ingress);
        var session = await concierge.CreateSessionAsync();
        var first = await concierge.RunAsync("A table at Sushi Bar please.", session);
        Assert.That(first.Text, Is.EqualTo("Which time for Sushi Bar?"));
        Assert.That(first.Usage?.InputTokenCount, Is.GreaterThan(0), "the usage of the durable run reached the caller");

        var serialized = await concierge.SerializeSessionAsync(session);
        var key = ((DurableAgentProxySession)session).Key;
        Assert.That(serialized.GetProperty("key").GetString(), Is.EqualTo(key));
        var restored = await concierge.DeserializeSessionAsync(JsonDocument.Parse(serialized.GetRawText()).RootElement);
        var second = await concierge.RunAsync("At 8pm (Sushi).", restored);
        Assert.That(second.Text, Is.EqualTo("Noted 8pm at Sushi Bar."));

        var last = RequestsFor("Sushi")[^1];
        Assert.That(last.Messages.Where(m => m.Role != "system").Select(m => (m.Role, m.Content)), Is.EqualTo(new[]
        {
            ("user", "A table at Sushi Bar please."),
            ("assistant", "Which time for Sushi Bar?"),
            ("user", "At 8pm (Sushi)."),
        }), "the durable session agent kept the first exchange under the session's key");
        var (status, history) = await PostAsync($"Concierge/{key}/history", "");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), history);
        Assert.That(JsonNode.Parse(history)!.AsArray(), Has.Count.EqualTo(4), "the Virtual Object of that key holds both exchanges");

        var other = await concierge.CreateSessionAsync();
        Assert.That(((DurableAgentProxySession)other).Key, Is.Not.EqualTo(key), "a new session is a new key");
        await Assert.ThrowsAsync<ArgumentException>(async () => await concierge.DeserializeSessionAsync(JsonDocument.Parse("{}").RootElement));
    }

    [Test]
    public async Task A_retried_proxy_run_with_the_same_idempotency_key_runs_the_agent_once()
    {
        Scripts["Quito"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_quito", "get_weather", Args("city", "Quito")))
            : FakeReply.Say("Mild in Quito.");

        var travel = TravelAgentClient.AsAIAgent(Server.Ingress);
        var options = new DurableAgentProxyRunOptions { IdempotencyKey = "quito-run-1" };
        var first = await travel.RunAsync("Weather in Quito?", options: options);
        var requestsAfterFirst = RequestsFor("Quito").Count;
        var retried = await travel.RunAsync("Weather in Quito?", options: options);

        Assert.That(first.Text, Is.EqualTo("Mild in Quito."));
        Assert.That(retried.Text, Is.EqualTo(first.Text));
        Assert.That(retried.ResponseId, Is.EqualTo(first.ResponseId).And.StartsWith("inv_"), "the retry was answered by the same invocation");
        Assert.That(SideEffectCount("get_weather:Quito"), Is.EqualTo(1), "the tool ran once");
        Assert.That(RequestsFor("Quito"), Has.Count.EqualTo(requestsAfterFirst).And.Count.EqualTo(2), "the model was not called again");

        await travel.RunAsync("Weather in Quito?", options: new DurableAgentProxyRunOptions { IdempotencyKey = "quito-run-2" });
        Assert.That(SideEffectCount("get_weather:Quito"), Is.EqualTo(2), "another key is another run");
    }

    private IChatClient LocalModel() => DurableAgentModels.FromEnvironment(name => name switch
    {
        "DURABLEAGENTS_MODEL_PROVIDER" => "openai-compatible",
        "OPENAI_BASE_URL" => Fake.BaseUri.ToString(),
        "OPENAI_API_KEY" => "k",
        "DURABLEAGENTS_MODEL" => "fake-model",
        _ => null,
    });

    private async Task<string[]> StepNamesAsync(string invocationId)
        => (await Server.Admin.GetJournalAsync(invocationId)).Where(e => e.EntryType.Contains("Run", StringComparison.Ordinal) && e.Name is not null
            && !e.EntryType.Contains("Notification", StringComparison.Ordinal)).Select(e => e.Name!).ToArray();
}
