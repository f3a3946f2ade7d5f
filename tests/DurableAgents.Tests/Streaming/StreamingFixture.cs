using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Testing;
using DurableAgents.Tests.Agents;

namespace DurableAgents.Tests.Streaming;

/// <summary>
/// The test agents with run streams on (DA_STREAMS=1) in a child process, against the real restate-server and the real
/// OpenAI client talking to the local fake. A test can start a second replica on new ports and move the deployment there.
/// </summary>
public abstract class StreamingFixture
{
    private readonly List<ServiceProcess> _replicas = [];
    private string _sideEffects = null!;

    protected RestateServer Server { get; private set; } = null!;

    protected FakeOpenAIServer Fake { get; private set; } = null!;

    /// <summary>The replica that currently serves the deployment.</summary>
    protected ServiceProcess Endpoint { get; private set; } = null!;

    /// <summary>The HTTP/1.1 port of <see cref="Endpoint"/>'s stream endpoints.</summary>
    protected int WebPort { get; private set; }

    protected string DeploymentId { get; private set; } = "";

    protected ConcurrentDictionary<string, Func<FakeRequest, FakeReply>> Scripts { get; } = new();

    /// <summary>More environment variables for each replica (e.g. <c>DA_PAGE_ROOT</c> to serve the WeatherAgent page).</summary>
    protected virtual IReadOnlyDictionary<string, string> ReplicaEnvironment => new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _sideEffects = Path.Combine(Path.GetTempPath(), "da-streams-" + Guid.NewGuid().ToString("N") + ".log");
        Fake = await FakeOpenAIServer.StartAsync(Route);
        Server = await RestateServer.StartAsync();
        (Endpoint, WebPort) = await StartReplicaAsync();
        var registered = await Server.RegisterAsync(Endpoint.Uri);
        DeploymentId = registered["id"]!.ToString();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Server.DisposeAsync();
        await Fake.DisposeAsync();
        File.Delete(_sideEffects);
    }

    /// <summary>Starts a replica of the service on fresh ports (not registered).</summary>
    protected async Task<(ServiceProcess Replica, int WebPort)> StartReplicaAsync()
    {
        var web = RestateServer.FreePorts(1)[0];
        var environment = new Dictionary<string, string>(ReplicaEnvironment)
        {
            ["DURABLEAGENTS_MODEL_PROVIDER"] = "openai-compatible",
            ["OPENAI_BASE_URL"] = Fake.BaseUri.ToString(),
            ["OPENAI_API_KEY"] = "k",
            ["DURABLEAGENTS_MODEL"] = "fake-model",
            ["DA_SIDE_EFFECTS"] = _sideEffects,
            ["DA_STREAMS"] = "1",
            ["WEB_PORT"] = web.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RESTATE_INGRESS_URL"] = Server.IngressUri.ToString(),
        };
        var replica = new ServiceProcess(environment);
        _replicas.Add(replica);
        await replica.StartAsync();
        return (replica, web);
    }

    /// <summary>Kills the serving replica (SIGKILL), starts another on new ports and points the deployment at it.</summary>
    protected async Task FailOverAsync()
    {
        await Endpoint.KillAsync();
        var (replica, web) = await StartReplicaAsync();
        using var body = new StringContent(new JsonObject { ["uri"] = replica.Uri.ToString() }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Server.Http.PatchAsync(new Uri(Server.AdminUri, "deployments/" + DeploymentId), body);
        Assert.That(response.IsSuccessStatusCode, Is.True, "moving the deployment to the second replica: " + await response.Content.ReadAsStringAsync());
        Endpoint = replica;
        WebPort = web;
    }

    protected Uri StreamBase(int webPort) => new($"http://127.0.0.1:{webPort}/runs/");

    protected RunStreamClient StreamClient(int webPort, out HttpClient http)
    {
        http = new HttpClient { BaseAddress = StreamBase(webPort), Timeout = Timeout.InfiniteTimeSpan };
        return new RunStreamClient(http);
    }

    protected async Task<string> SendAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Server.Http.PostAsync(new Uri(Server.IngressUri, path + "/send"), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, body);
        return JsonNode.Parse(body)!["invocationId"]!.ToString();
    }

    protected async Task<JsonNode> AttachAsync(string invocationId)
    {
        using var response = await Server.Http.GetAsync(new Uri(Server.IngressUri, $"restate/invocation/{invocationId}/attach"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, body);
        return JsonNode.Parse(body)!;
    }

    protected int SideEffectCount(string line) => File.Exists(_sideEffects) ? File.ReadAllLines(_sideEffects).Count(l => l == line) : 0;

    protected static string Args(string name, string value) => new JsonObject { [name] = value }.ToJsonString();

    private FakeReply Route(FakeRequest request) => MarkerScripts.Route(Scripts, request);
}
