using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Testing;

namespace DurableAgents.Tests.Agents;

/// <summary>
/// The agents of tests/DurableAgents.TestService in a child process, with the real restate-server and a local
/// OpenAI-compatible fake server behind the real OpenAI client (DURABLEAGENTS_MODEL_PROVIDER=openai-compatible), one set
/// per fixture. Each test owns a marker word; the fake routes its requests to the test's script by that word.
/// </summary>
public abstract class AgentEndToEndFixture
{
    /// <summary>The agents' approval timeout (DA_APPROVAL_TIMEOUT_MS).</summary>
    protected const int ApprovalTimeoutMs = 5000;

    private string _sideEffects = null!;

    protected RestateServer Server { get; private set; } = null!;

    protected FakeOpenAIServer Fake { get; private set; } = null!;

    /// <summary>The service process hosting the test agents.</summary>
    protected ServiceProcess Endpoint { get; private set; } = null!;

    /// <summary>The fake model's scripts by marker word.</summary>
    protected ConcurrentDictionary<string, Func<FakeRequest, FakeReply>> Scripts { get; } = new();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _sideEffects = Path.Combine(Path.GetTempPath(), "da-agents-" + Guid.NewGuid().ToString("N") + ".log");
        Fake = await FakeOpenAIServer.StartAsync(Route);
        Server = await RestateServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["DURABLEAGENTS_MODEL_PROVIDER"] = "openai-compatible",
            ["OPENAI_BASE_URL"] = Fake.BaseUri.ToString(),
            ["OPENAI_API_KEY"] = "k",
            ["DURABLEAGENTS_MODEL"] = "fake-model",
            ["DA_SIDE_EFFECTS"] = _sideEffects,
            ["DA_APPROVAL_TIMEOUT_MS"] = ApprovalTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DA_RESEARCH_MS"] = "60000",
        };
        await ConfigureServiceAsync(environment);
        Endpoint = new ServiceProcess(environment);
        await Endpoint.StartAsync();
        await Server.RegisterAsync(Endpoint.Uri);
    }

    /// <summary>Called before the service process starts: a fixture adds its own environment (e.g. servers it started).</summary>
    protected virtual Task ConfigureServiceAsync(IDictionary<string, string> environment) => Task.CompletedTask;

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await Endpoint.DisposeAsync();
        await Server.DisposeAsync();
        await Fake.DisposeAsync();
        File.Delete(_sideEffects);
    }

    private FakeReply Route(FakeRequest request) => MarkerScripts.Route(Scripts, request);

    protected IReadOnlyList<FakeRequest> RequestsFor(string marker)
        => Fake.Requests.Where(r => r.Messages.Any(m => m.Content.Contains(marker, StringComparison.Ordinal))).ToList();

    protected int SideEffectCount(string line)
        => File.Exists(_sideEffects) ? File.ReadAllLines(_sideEffects).Count(l => l == line) : 0;

    protected string[] SideEffectLines() => File.Exists(_sideEffects) ? File.ReadAllLines(_sideEffects) : [];

    /// <summary>The text of the live streaming updates the StreamingTravelAgent saw after line <paramref name="from"/>.</summary>
    protected List<string> LiveUpdatesSince(int from)
        => SideEffectLines().Skip(from).Where(l => l.StartsWith("stream-update:", StringComparison.Ordinal)).Select(l => l["stream-update:".Length..]).ToList();

    protected async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json)
    {
        using var content = json.Length == 0 ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Server.Http.PostAsync(new Uri(Server.IngressUri, path), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    protected async Task<string> SendAsync(string path, string json)
    {
        var (status, body) = await PostAsync(path + "/send", json);
        Assert.That((int)status, Is.InRange(200, 299), body);
        return JsonNode.Parse(body)!["invocationId"]!.ToString();
    }

    protected async Task<(HttpStatusCode Status, string Body)> AttachAsync(string invocationId)
    {
        using var response = await Server.Http.GetAsync(new Uri(Server.IngressUri, $"restate/invocation/{invocationId}/attach"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    protected static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting until " + what);
            }

            await Task.Delay(50);
        }
    }

    protected static string Args(string name, string value) => new JsonObject { [name] = value }.ToJsonString();
}
