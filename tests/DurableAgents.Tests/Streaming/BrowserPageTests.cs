using System.Text.Json.Nodes;
using DurableAgents.Tests.Agents;

namespace DurableAgents.Tests.Streaming;

/// <summary>
/// The WeatherAgent sample's own page (samples/WeatherAgent/wwwroot, served by the test service with the sample's routes
/// pointed at the approval-gated Booker agent) in a real headless Chromium: the run is started with the page's form,
/// the approval is answered with the page's Approve/Reject button, and the assertions read the rendered DOM.
/// </summary>
public sealed class BrowserPageTests : StreamingFixture
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private HeadlessChromium? _browser;

    protected override IReadOnlyDictionary<string, string> ReplicaEnvironment => new Dictionary<string, string>
    {
        ["DA_PAGE_ROOT"] = Path.Combine(NodeScript.RepositoryRoot(), "samples", "WeatherAgent", "wwwroot"),
    };

    [SetUp]
    public async Task StartBrowserAsync() => _browser = await HeadlessChromium.StartAsync();

    [TearDown]
    public async Task StopBrowserAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
            _browser = null;
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task The_page_shows_the_approval_the_decision_the_tool_and_the_answer(bool approve)
    {
        var browser = _browser!;
        var flight = approve ? "LH500" : "LH501";
        var answer = approve ? $"Flight {flight} is booked." : $"I did not book {flight}.";
        Scripts[flight] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_" + flight, "book_flight", Args("flight", flight)))
            : FakeReply.Say(answer);

        await browser.NavigateAsync(new Uri($"http://127.0.0.1:{WebPort}/"));
        Assert.That(await Text("#status"), Is.EqualTo("idle"), "the page loaded with its script");

        // Start the run through the page's own form.
        await browser.EvaluateAsync($"document.getElementById('question').value = {JsonValue.Create($"Book flight {flight}.")!.ToJsonString()}; document.getElementById('ask').click(); true");
        await browser.WaitForAsync(
            "document.querySelectorAll('#approvals li button').length",
            v => v?.GetValue<int>() == 2, Wait, "the Approve and Reject buttons");
        Assert.That(await Text("#status"), Is.EqualTo("waiting for approval"));
        Assert.That(await Text("#approvals li"), Is.EqualTo($"book_flight({{\"flight\":\"{flight}\"}}) ApproveReject"));
        Assert.That(await Text("#tools li"), Is.EqualTo($"book_flight({{\"flight\":\"{flight}\"}}) → running…"), "the tool call is shown before it runs");
        var runId = await Text("#run");
        Assert.That(runId, Does.StartWith("inv_"), "the page shows the run it started");
        Assert.That((await browser.EvaluateAsync("location.search"))!.ToString(), Is.EqualTo("?run=" + Uri.EscapeDataString(runId)));
        Assert.That(SideEffectCount("book_flight:" + flight), Is.Zero, "nothing is booked before the decision");

        await SaveScreenshotAsync(approve ? "approve-waiting" : "reject-waiting", "The page waiting for the decision");

        // Answer it with the page's own button.
        var label = approve ? "Approve" : "Reject";
        await browser.EvaluateAsync($"[...document.querySelectorAll('#approvals li button')].find(b => b.textContent === '{label}').click(); true");
        await browser.WaitForAsync("document.getElementById('status').textContent", v => v?.ToString() == "finished", Wait, "the run to finish");

        Assert.That(await Text("#approvals li"), Is.EqualTo($"book_flight({{\"flight\":\"{flight}\"}}) " + (approve ? "approved" : "declined")));
        Assert.That((await browser.EvaluateAsync("document.querySelectorAll('#approvals button').length"))!.GetValue<int>(), Is.Zero, "the buttons are gone once decided");
        var tool = await Text("#tools li");
        Assert.That(tool, approve
            ? Is.EqualTo($"book_flight({{\"flight\":\"{flight}\"}}) → Booked flight {flight}.")
            : Does.StartWith($"book_flight({{\"flight\":\"{flight}\"}}) → Error: a human declined"));
        var paragraphs = (await browser.EvaluateAsync("[...document.querySelectorAll('#text p')].map(p => p.className + '|' + p.textContent)"))!.AsArray()
            .Select(p => p!.ToString()).ToList();
        Assert.That(paragraphs, Is.Not.Empty);
        Assert.That(paragraphs[^1], Is.EqualTo("step done|" + answer), "the streamed text of the last turn, marked done");
        var log = await Text("#log");
        Assert.That(log, Does.Contain("approval requested for book_flight").And.Contain(approve ? "approval granted for book_flight" : "approval declined for book_flight"));
        Assert.That(await Text("#ask[disabled]", orEmpty: true), Is.Empty, "the Ask button is enabled again");
        Assert.That(SideEffectCount("book_flight:" + flight), Is.EqualTo(approve ? 1 : 0));
        Assert.That(browser.PageErrors, Is.Empty, "the page threw or logged an error");

        await SaveScreenshotAsync(approve ? "approved" : "rejected", "The page after the run finished");
    }

    private async Task SaveScreenshotAsync(string name, string description)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"browser-page-{name}.png");
        await File.WriteAllBytesAsync(path, await _browser!.ScreenshotAsync());
        TestContext.AddTestAttachment(path, description);
    }

    private async Task<string> Text(string selector, bool orEmpty = false)
    {
        var value = await _browser!.EvaluateAsync($"document.querySelector({JsonValue.Create(selector)!.ToJsonString()})?.textContent ?? null");
        if (value is null && !orEmpty)
        {
            Assert.Fail($"The page has no {selector}.");
        }

        return value?.ToString() ?? "";
    }
}
