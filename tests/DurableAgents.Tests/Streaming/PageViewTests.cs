using System.Text.Json.Nodes;
using DurableAgents.Tests.Agents;

namespace DurableAgents.Tests.Streaming;

/// <summary>
/// The WeatherAgent page's logic (run-view.mjs: the fetch-based SSE reader and the view the page renders) run in Node
/// against a real run with an approval, answered the way the page's buttons answer it. The DOM rendering (app.mjs) is
/// exercised in a real browser by <see cref="BrowserPageTests"/>.
/// </summary>
public sealed class PageViewTests : StreamingFixture
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task The_page_view_shows_an_approval_the_decision_and_the_answer(bool approve)
    {
        var flight = approve ? "LH400" : "LH401";
        Scripts[flight] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_" + flight, "book_flight", Args("flight", flight)))
            : FakeReply.Say(approve ? $"Flight {flight} is booked." : $"I did not book {flight}.");
        var runId = await SendAsync("Booker/run", $"\"Book flight {flight}.\"");

        var view = await NodeScript.RunAsync("page-view.mjs", new Uri(StreamBase(WebPort), runId + "/events").ToString(), new Uri(Server.IngressUri, "Booker/approve").ToString(), approve ? "approve" : "reject");

        Assert.That(view["status"]!.ToString(), Is.EqualTo("finished"), view.ToJsonString());
        Assert.That(view["statuses"]!.AsArray().Select(s => s!.ToString()), Does.Contain("waiting for approval"));
        Assert.That(view["decisionStatuses"]!.AsArray().Select(s => s!.GetValue<int>()), Is.EqualTo(new[] { 200 }));
        var approval = view["approvals"]!.AsArray().Single()!;
        Assert.That(approval["toolName"]!.ToString(), Is.EqualTo("book_flight"));
        Assert.That(approval["arguments"]!["flight"]!.ToString(), Is.EqualTo(flight));
        Assert.That(approval["decided"]!.GetValue<bool>(), Is.True);
        Assert.That(approval["approved"]!.GetValue<bool>(), Is.EqualTo(approve));
        var result = view["tools"]!["call_" + flight]!["result"]!.ToString();
        Assert.That(result, approve ? Is.EqualTo($"Booked flight {flight}.") : Does.StartWith("Error: a human declined"));
        Assert.That(SideEffectCount("book_flight:" + flight), Is.EqualTo(approve ? 1 : 0));
        var answer = approve ? $"Flight {flight} is booked." : $"I did not book {flight}.";
        Assert.That(view["answer"]!.ToString(), Is.EqualTo(answer));
        Assert.That(view["steps"]!["llm:2"]!["text"]!.ToString(), Is.EqualTo(answer), "the view's text of the last turn is the journaled answer");
    }
}
