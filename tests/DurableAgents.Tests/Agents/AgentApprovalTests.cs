using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace DurableAgents.Tests.Agents;

/// <summary>
/// Human approval of tool calls end to end (real restate-server, the test agents in a child process, the real OpenAI
/// client against the fake model), for both agent kinds: the session agent <c>Concierge</c> (a Virtual Object; pending
/// approvals in its state, listed by <c>Concierge/{session}/approvals</c>) and the non-session agent <c>Booker</c> (a
/// Service; pending approvals in the runtime's <c>DurableAgentApprovals</c> object, listed by <c>Booker/approvals</c>
/// with the run's invocation id). Approve runs the tool once; reject does not run it and the model is told why; after
/// <c>ApprovalTimeout</c> the call is declined and listed no more; unknown, decided or expired ids are a 404.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AgentApprovalTests : AgentEndToEndFixture
{
    private static string Decision(string id, bool approved, string? reason = null)
    {
        var o = new JsonObject { ["id"] = id, ["approved"] = approved };
        if (reason is not null)
        {
            o["reason"] = reason;
        }

        return o.ToJsonString();
    }

    /// <summary>A well-formed awakeable id of an invocation that does not exist.</summary>
    private static string UnknownAwakeableId()
        => "sign_1" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(28)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<JsonArray> WaitForAsync(Func<Task<JsonArray>> list, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var pending = await list();
        while (pending.Count < count)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the approval requests were published");
            await Task.Delay(100);
            pending = await list();
        }

        return pending;
    }

    // ------------------------------------------------------------------ the session agent (Concierge)

    private void TableScript(string restaurant)
        => Scripts[restaurant] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_" + restaurant.Replace(' ', '_'), "book_table", Args("restaurant", restaurant)))
            : FakeReply.Say("Result: " + r.ToolResults[0].Content);

    private async Task<JsonArray> SessionPendingAsync(string session)
    {
        var (status, body) = await PostAsync($"Concierge/{session}/approvals", "");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!.AsArray();
    }

    [Test]
    public async Task Session_approved_tool_call_runs_once_after_the_decision()
    {
        TableScript("Chez Nous");
        var id = await SendAsync("Concierge/s-approve/run", "\"Book a table at 'Chez Nous' please\"");
        var pending = (await WaitForAsync(() => SessionPendingAsync("s-approve"), 1)).Single()!;
        Assert.That(pending["toolName"]!.ToString(), Is.EqualTo("book_table"));
        Assert.That(pending["arguments"]!["restaurant"]!.ToString(), Is.EqualTo("Chez Nous"));
        Assert.That(SideEffectCount("book_table:Chez Nous"), Is.EqualTo(0), "nothing runs before the approval");

        var (approveStatus, approveBody) = await PostAsync("Concierge/s-approve/approve", Decision(pending["id"]!.ToString(), true));
        Assert.That(approveStatus, Is.EqualTo(HttpStatusCode.OK), approveBody);

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body)!["text"]!.ToString(), Is.EqualTo("Result: \"Booked a table at Chez Nous.\""));
        Assert.That(SideEffectCount("book_table:Chez Nous"), Is.EqualTo(1));
        Assert.That(await SessionPendingAsync("s-approve"), Is.Empty, "the decided request is no longer pending");
        var (againStatus, againBody) = await PostAsync("Concierge/s-approve/approve", Decision(pending["id"]!.ToString(), true));
        Assert.That((int)againStatus, Is.EqualTo(404), "a decided id is not pending any more: " + againBody);
    }

    [Test]
    public async Task Session_rejected_tool_call_does_not_run_and_the_model_is_told_why()
    {
        TableScript("Le Refus");
        var id = await SendAsync("Concierge/s-reject/run", "\"Book a table at 'Le Refus'\"");
        var pending = (await WaitForAsync(() => SessionPendingAsync("s-reject"), 1)).Single()!;
        Assert.That((await PostAsync("Concierge/s-reject/approve", Decision(pending["id"]!.ToString(), false, "too pricey"))).Status, Is.EqualTo(HttpStatusCode.OK));

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body)!["text"]!.ToString(), Does.Contain("declined").And.Contain("too pricey"));
        Assert.That(RequestsFor("Le Refus")[^1].ToolResults.Single().Content, Does.Contain("a human declined this tool call").And.Contain("too pricey"));
        Assert.That(SideEffectCount("book_table:Le Refus"), Is.EqualTo(0));
    }

    [Test]
    public async Task Session_unanswered_approval_is_declined_after_the_timeout()
    {
        TableScript("Slow Food");
        var started = DateTime.UtcNow;
        var id = await SendAsync("Concierge/s-timeout/run", "\"Book a table at 'Slow Food'\"");
        await WaitForAsync(() => SessionPendingAsync("s-timeout"), 1);

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body)!["text"]!.ToString(), Does.Contain("nobody approved"));
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(ApprovalTimeoutMs - 500)));
        Assert.That(SideEffectCount("book_table:Slow Food"), Is.EqualTo(0));
        Assert.That(await SessionPendingAsync("s-timeout"), Is.Empty);
    }

    [Test]
    public async Task Session_unknown_approval_id_is_rejected_with_404()
    {
        var (status, body) = await PostAsync("Concierge/s-nobody/approve", "{\"id\":\"sign_1nothing\",\"approved\":true}");
        Assert.That((int)status, Is.EqualTo(404), body);
        var (wellFormed, wellFormedBody) = await PostAsync("Concierge/s-nobody/approve", Decision(UnknownAwakeableId(), true));
        Assert.That((int)wellFormed, Is.EqualTo(404), wellFormedBody);
    }

    // ------------------------------------------------------------------ the non-session agent (Booker, a Service)

    private void FlightScript(params string[] flights)
        => Scripts[flights[0]] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(flights.Select(f => ("call_" + f, "book_flight", Args("flight", f))).ToArray())
            : FakeReply.Say("Result: " + string.Join(" | ", r.ToolResults.Select(t => t.Content)));

    private async Task<(HttpStatusCode Status, string Body)> ListAsync(string agent, string invocationId)
        => await PostAsync($"{agent}/approvals", JsonValue.Create(invocationId).ToJsonString());

    private async Task<JsonArray> ServicePendingAsync(string invocationId)
    {
        var (status, body) = await ListAsync("Booker", invocationId);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!.AsArray();
    }

    private async Task<(HttpStatusCode Status, string Body)> ApproveAsync(string id, bool approved, string? reason = null)
        => await PostAsync("Booker/approve", Decision(id, approved, reason));

    [Test]
    public async Task Service_agent_approved_tool_call_runs_once_after_the_decision()
    {
        FlightScript("AF100");
        var id = await SendAsync("Booker/run", "\"Book flight AF100\"");
        var pending = (await WaitForAsync(() => ServicePendingAsync(id), 1)).Single()!;
        Assert.That(pending["toolName"]!.ToString(), Is.EqualTo("book_flight"));
        Assert.That(pending["callId"]!.ToString(), Is.EqualTo("call_AF100"));
        Assert.That(pending["arguments"]!["flight"]!.ToString(), Is.EqualTo("AF100"));
        Assert.That(pending["id"]!.ToString(), Does.StartWith("sign_1"));
        Assert.That(SideEffectCount("book_flight:AF100"), Is.EqualTo(0), "nothing runs before the approval");

        var (approveStatus, approveBody) = await ApproveAsync(pending["id"]!.ToString(), true);
        Assert.That(approveStatus, Is.EqualTo(HttpStatusCode.OK), approveBody);
        Assert.That(approveBody, Is.EqualTo("true"));

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body)!["text"]!.ToString(), Is.EqualTo("Result: \"Booked flight AF100.\""));
        Assert.That(JsonNode.Parse(body)!["toolCalls"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(SideEffectCount("book_flight:AF100"), Is.EqualTo(1), "the approved tool ran once");
        Assert.That(await ServicePendingAsync(id), Is.Empty, "the decided request is no longer pending");

        var (againStatus, againBody) = await ApproveAsync(pending["id"]!.ToString(), true);
        Assert.That((int)againStatus, Is.EqualTo(404), "a decision is delivered once: " + againBody);
        Assert.That(SideEffectCount("book_flight:AF100"), Is.EqualTo(1));
    }

    [Test]
    public async Task Service_agent_rejected_tool_call_does_not_run_and_the_model_is_told_why()
    {
        FlightScript("LH200");
        var id = await SendAsync("Booker/run", "\"Book flight LH200\"");
        var pending = (await WaitForAsync(() => ServicePendingAsync(id), 1)).Single()!;
        var (approveStatus, approveBody) = await ApproveAsync(pending["id"]!.ToString(), false, "over budget");
        Assert.That(approveStatus, Is.EqualTo(HttpStatusCode.OK), approveBody);
        Assert.That(approveBody, Is.EqualTo("false"));

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(RequestsFor("LH200")[^1].ToolResults.Single().Content, Does.Contain("a human declined this tool call").And.Contain("over budget"),
            "the model saw the rejection and its reason");
        Assert.That(JsonNode.Parse(body)!["toolCalls"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That(SideEffectCount("book_flight:LH200"), Is.EqualTo(0));
        Assert.That(await ServicePendingAsync(id), Is.Empty);
    }

    [Test]
    public async Task Service_agent_unanswered_approval_is_declined_after_the_timeout_and_then_unknown()
    {
        FlightScript("BA300");
        var started = DateTime.UtcNow;
        var id = await SendAsync("Booker/run", "\"Book flight BA300\"");
        var pending = (await WaitForAsync(() => ServicePendingAsync(id), 1)).Single()!;

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(ApprovalTimeoutMs - 500)));
        Assert.That(RequestsFor("BA300")[^1].ToolResults.Single().Content, Does.Contain("nobody approved this tool call"));
        Assert.That(SideEffectCount("book_flight:BA300"), Is.EqualTo(0));
        Assert.That(await ServicePendingAsync(id), Is.Empty, "an expired request is not listed");
        var (late, lateBody) = await ApproveAsync(pending["id"]!.ToString(), true);
        Assert.That((int)late, Is.EqualTo(404), "an expired request cannot be approved: " + lateBody);
        Assert.That(SideEffectCount("book_flight:BA300"), Is.EqualTo(0));
    }

    [Test]
    public async Task Service_agent_lists_parallel_approvals_of_one_run_and_decides_each_on_its_own()
    {
        FlightScript("KL401", "KL402");
        var id = await SendAsync("Booker/run", "\"Book flights KL401 and KL402\"");
        var pending = await WaitForAsync(() => ServicePendingAsync(id), 2);
        Assert.That(pending.Select(p => p!["callId"]!.ToString()), Is.EqualTo(new[] { "call_KL401", "call_KL402" }), "listed in call order");

        Assert.That((await ApproveAsync(pending[1]!["id"]!.ToString(), false, "one is enough")).Status, Is.EqualTo(HttpStatusCode.OK));
        var rest = await ServicePendingAsync(id);
        Assert.That(rest.Select(p => p!["callId"]!.ToString()), Is.EqualTo(new[] { "call_KL401" }), "the decided one is gone, the other still waits");
        Assert.That((await ApproveAsync(pending[0]!["id"]!.ToString(), true)).Status, Is.EqualTo(HttpStatusCode.OK));

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(SideEffectCount("book_flight:KL401"), Is.EqualTo(1));
        Assert.That(SideEffectCount("book_flight:KL402"), Is.EqualTo(0));
        var results = RequestsFor("KL401")[^1].ToolResults;
        Assert.That(results.Select(r => r.ToolCallId), Is.EqualTo(new[] { "call_KL401", "call_KL402" }));
        Assert.That(results[1].Content, Does.Contain("one is enough"));
    }

    [Test]
    public async Task Service_agent_unknown_approval_ids_are_rejected_with_404()
    {
        foreach (var unknown in new[] { "sign_1nothing", "not-an-id", UnknownAwakeableId(), "sign_1" + new string('A', 200) })
        {
            var (status, body) = await ApproveAsync(unknown, true);
            Assert.That((int)status, Is.EqualTo(404), unknown + ": " + body);
        }

        var (empty, emptyBody) = await ApproveAsync("", true);
        Assert.That((int)empty, Is.EqualTo(400), emptyBody);
        var (tooLong, tooLongBody) = await ApproveAsync(new string('x', 10_000), true);
        Assert.That((int)tooLong, Is.EqualTo(400), tooLongBody);
    }

    [Test]
    public async Task Service_agent_approval_ids_belong_to_their_agent()
    {
        FlightScript("IB500");
        var id = await SendAsync("Booker/run", "\"Book flight IB500\"");
        var pending = (await WaitForAsync(() => ServicePendingAsync(id), 1)).Single()!;

        // TravelAgent is another non-session agent: its approve and approvals handlers do not see Booker's requests.
        var (other, otherBody) = await PostAsync("TravelAgent/approve", Decision(pending["id"]!.ToString(), true));
        Assert.That((int)other, Is.EqualTo(404), otherBody);
        var (listed, listedBody) = await ListAsync("TravelAgent", id);
        Assert.That(listed, Is.EqualTo(HttpStatusCode.OK), listedBody);
        Assert.That(JsonNode.Parse(listedBody)!.AsArray(), Is.Empty);

        // The approvals object itself is not reachable through the ingress.
        var (direct, directBody) = await PostAsync($"DurableAgentApprovals/{id}/decide",
            new JsonObject { ["agent"] = "Booker", ["decision"] = new JsonObject { ["id"] = pending["id"]!.ToString(), ["approved"] = true } }.ToJsonString());
        Assert.That((int)direct, Is.InRange(400, 499), directBody);

        Assert.That((await ApproveAsync(pending["id"]!.ToString(), false, "cleanup")).Status, Is.EqualTo(HttpStatusCode.OK));
        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(SideEffectCount("book_flight:IB500"), Is.EqualTo(0), "neither the other agent nor the ingress approved it");
    }

    [Test]
    public async Task Service_agent_approvals_needs_an_invocation_id()
    {
        foreach (var bad in new[] { "", "nope", "inv_", "sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ" })
        {
            var (status, body) = await ListAsync("Booker", bad);
            Assert.That((int)status, Is.EqualTo(400), bad + ": " + body);
        }

        // A run that is not waiting (here: a finished one) lists nothing.
        Scripts["nothing to approve"] = _ => FakeReply.Say("ok");
        var id = await SendAsync("Booker/run", "\"nothing to approve\"");
        Assert.That((await AttachAsync(id)).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ServicePendingAsync(id), Is.Empty);
    }
}
