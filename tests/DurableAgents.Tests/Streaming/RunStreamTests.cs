using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Streaming;
using DurableAgents.Tests.Agents;

namespace DurableAgents.Tests.Streaming;

/// <summary>Run streams end to end: real restate-server, the test service in child processes, the typed SSE client.</summary>
public sealed class RunStreamTests : StreamingFixture
{
    [Test]
    public async Task A_stream_survives_a_reconnect_and_a_kill_9_with_failover_to_a_second_replica()
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

            // The first answer to turn 2 streams its first word, then stalls until the replica serving it is killed.
            return Interlocked.Increment(ref turn2) == 1 ? FakeReply.Say(answer) with { Midway = () => release.Task } : FakeReply.Say(answer);
        };

        var runId = await SendAsync("StreamingTravelAgent/run", "\"What is the forecast for Sintra?\"");
        var seen = new List<RunEvent>();

        // First connection, to replica 1: read until the first live delta of turn 2, then drop the connection.
        var first = StreamClient(WebPort, out var http1);
        using (http1)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var e in first.StreamAsync(runId, cancellationToken: cts.Token))
            {
                seen.Add(e);
                if (e is { Type: RunEventTypes.TextDelta, Step: "llm:2" })
                {
                    break;
                }
            }
        }

        Assert.That(seen[^1].Text, Is.EqualTo("Misty"), "turn 2 is live and stalled after its first delta");
        var lastEventId = seen[^1].Seq;

        // kill -9 the replica in the middle of the stream; Restate retries the run on a second replica on other ports.
        await FailOverAsync();
        release.SetResult();

        // Second connection, to replica 2, resuming after the last event seen.
        var second = StreamClient(WebPort, out var http2);
        using (http2)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await foreach (var e in second.StreamAsync(runId, lastEventId, cts.Token))
            {
                seen.Add(e);
            }
        }

        var output = await AttachAsync(runId);

        // Every event exactly once, in order.
        Assert.That(seen.Select(e => e.Seq), Is.EqualTo(Enumerable.Range(1, seen.Count).Select(i => (long)i)), string.Join("\n", seen.Select(Describe)));
        Assert.That(seen.Select(e => e.RunId), Is.All.EqualTo(runId));
        Assert.That(seen.Count(e => e.Type == RunEventTypes.RunStarted), Is.EqualTo(1));
        Assert.That(seen[0].Type, Is.EqualTo(RunEventTypes.RunStarted));
        Assert.That(seen[^1].Type, Is.EqualTo(RunEventTypes.RunFinished));

        // The journaled tool step: announced once, finished once with its journaled result; the tool ran once.
        Assert.That(seen.Count(e => e.Type == RunEventTypes.ToolCallStarted && e.CallId == "call_sintra"), Is.EqualTo(1));
        var finished = seen.Single(e => e.Type == RunEventTypes.ToolCallFinished);
        Assert.That(finished.Result, Is.EqualTo("Forecast for Sintra: sunny, 24 C"));
        Assert.That(SideEffectCount("get_forecast:Sintra"), Is.EqualTo(1));

        // The interrupted model step: a restart marker after the abandoned delta, then the new attempt's text.
        var step2 = seen.Where(e => e.Step == "llm:2").ToList();
        var restart = step2.FindIndex(e => e.Type == RunEventTypes.StepRestarted);
        Assert.That(restart, Is.GreaterThan(0), "a step_restarted marker follows the abandoned attempt's delta: " + string.Join("\n", step2.Select(Describe)));
        Assert.That(step2.Count(e => e.Type == RunEventTypes.StepRestarted), Is.EqualTo(1));
        Assert.That(step2[restart].Attempt, Is.EqualTo(2));
        var text = string.Concat(step2.Skip(restart + 1).Where(e => e.Type == RunEventTypes.TextDelta).Select(e => e.Text));
        Assert.That(text, Is.EqualTo(answer), "the deltas after the restart make the journaled answer");
        Assert.That(step2.Single(e => e.Type == RunEventTypes.MessageCompleted).Text, Is.EqualTo(answer));
        Assert.That(seen[^1].Text, Is.EqualTo(answer));
        Assert.That(output["text"]!.ToString(), Is.EqualTo(answer), "the run's journaled answer");

        // A completed step's events come from the journal: the first model turn was not paid for again.
        Assert.That(Fake.Requests.Count(r => r.LastUser.Contains("Sintra", StringComparison.Ordinal) && r.ToolResults.Count == 0), Is.EqualTo(1));
    }

    [Test]
    public async Task A_stream_refuses_a_run_id_that_is_not_an_invocation_id()
    {
        var client = StreamClient(WebPort, out var http);
        using (http)
        {
            var e = await Assert.ThrowsAsync<RunStreamException>(async () =>
            {
                await foreach (var _ in client.StreamAsync("not-a-run"))
                {
                }
            });
            Assert.That(e!.Message, Does.Contain("400"));
        }
    }

    [Test]
    public async Task An_approval_run_streams_the_request_the_decision_and_the_tool_result()
    {
        Scripts["LX123"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_lx", "book_flight", Args("flight", "LX123")))
            : FakeReply.Say("Your flight LX123 is booked.");
        var runId = await SendAsync("Booker/run", "\"Book flight LX123 please.\"");
        var client = StreamClient(WebPort, out var http);
        var seen = new List<RunEvent>();
        using (http)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await foreach (var e in client.StreamAsync(runId, cancellationToken: cts.Token))
                {
                    seen.Add(e);
                    if (e.Type == RunEventTypes.ApprovalRequested)
                    {
                        using var content = new StringContent(new JsonObject { ["id"] = e.ApprovalId, ["approved"] = true }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
                        using var response = await Server.Http.PostAsync(new Uri(Server.IngressUri, "Booker/approve"), content);
                        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
                    }
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("The stream did not end; events so far:\n" + string.Join("\n", seen.Select(Describe)));
            }
        }

        Assert.That(seen.Select(e => e.Type), Is.EqualTo(new[]
        {
            RunEventTypes.RunStarted, RunEventTypes.MessageCompleted, RunEventTypes.ToolCallStarted, RunEventTypes.ApprovalRequested,
            RunEventTypes.ApprovalDecided, RunEventTypes.ToolCallFinished, RunEventTypes.TextDelta, RunEventTypes.MessageCompleted, RunEventTypes.RunFinished,
        }), string.Join("\n", seen.Select(Describe)));
        Assert.That(seen.Single(e => e.Type == RunEventTypes.ApprovalDecided).Approved, Is.True);
        Assert.That(seen.Single(e => e.Type == RunEventTypes.ApprovalRequested).Arguments!.Value.GetProperty("flight").GetString(), Is.EqualTo("LX123"));
        Assert.That(seen.Single(e => e.Type == RunEventTypes.ToolCallFinished).Result, Is.EqualTo("Booked flight LX123."));
        Assert.That(seen[^1].Text, Is.EqualTo("Your flight LX123 is booked."));
        Assert.That(SideEffectCount("book_flight:LX123"), Is.EqualTo(1));
    }

    private static string Describe(RunEvent e) => $"{e.Seq} {e.Type} {e.Step} a{e.Attempt} {e.StepSeq} {e.Text}";
}
