using DurableAgents.Clients;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Clients;

[TestFixture]
[NonParallelizable]
public sealed class AdminClientTests
{
    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private HttpClient _adminHttp = null!;
    private HttpClient _ingressHttp = null!;
    private AdminClient _admin = null!;
    private DeploymentInfo _deployment = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await RestateServer.StartAsync();
        _host = await RestateHost.StartAsync(0, o => o.Bind(ClientTestServices.Greeter()).Bind(ClientTestServices.Counter()).Bind(ClientTestServices.Signup()));
        _adminHttp = new HttpClient { BaseAddress = _server.AdminUri, Timeout = TimeSpan.FromSeconds(60) };
        _ingressHttp = new HttpClient { BaseAddress = _server.IngressUri, Timeout = TimeSpan.FromSeconds(60) };
        _admin = new AdminClient(_adminHttp);
        _deployment = await _admin.RegisterDeploymentAsync(_host.Uri);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _adminHttp.Dispose();
        _ingressHttp.Dispose();
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Health_and_version()
    {
        Assert.That(await _admin.IsHealthyAsync(), Is.True);
        var version = await _admin.GetVersionAsync();
        Assert.That((string?)version["version"], Is.EqualTo("1.7.12"));
        Assert.That((int?)version["max_admin_api_version"], Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task Health_of_a_closed_port_is_false()
    {
        var port = RestateServer.FreePorts(1)[0];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        Assert.That(await new AdminClient(http).IsHealthyAsync(), Is.False);
    }

    [Test]
    public void Register_answers_the_deployment_and_its_services()
    {
        Assert.That(_deployment.Id, Does.StartWith("dp_"));
        var byName = _deployment.Services.ToDictionary(s => s.Name);
        Assert.That(byName.Keys, Is.SupersetOf(new[] { "ClientGreeter", "ClientCounter", "ClientSignup" }));
        Assert.Multiple(() =>
        {
            Assert.That(byName["ClientGreeter"].Type, Is.EqualTo(ServiceType.Service));
            Assert.That(byName["ClientCounter"].Type, Is.EqualTo(ServiceType.VirtualObject));
            Assert.That(byName["ClientSignup"].Type, Is.EqualTo(ServiceType.Workflow));
            Assert.That(byName["ClientGreeter"].HandlerNames, Is.SupersetOf(new[] { "greet", "fail", "awaitAwakeable" }));
            Assert.That(byName["ClientGreeter"].DeploymentId, Is.EqualTo(_deployment.Id));
            Assert.That(_deployment.Raw["max_protocol_version"], Is.Not.Null);
        });
    }

    [Test]
    public async Task Re_register_with_force_and_dry_run()
    {
        var again = await _admin.RegisterDeploymentAsync(_host.Uri, force: true);
        Assert.That(again.Services.Select(s => s.Name), Is.SupersetOf(new[] { "ClientGreeter", "ClientCounter" }));

        var before = await _admin.ListDeploymentsAsync();
        var dry = await _admin.RegisterDeploymentAsync(_host.Uri, dryRun: true);
        Assert.That(dry.Services.Select(s => s.Name), Does.Contain("ClientSignup"));
        var after = await _admin.ListDeploymentsAsync();
        Assert.That(after.Select(d => d.Id), Is.EquivalentTo(before.Select(d => d.Id)));
    }

    [Test]
    public async Task List_and_get_services()
    {
        var services = await _admin.ListServicesAsync();
        Assert.That(services.Select(s => s.Name), Is.SupersetOf(new[] { "ClientGreeter", "ClientCounter", "ClientSignup" }));

        var counter = await _admin.GetServiceAsync("ClientCounter");
        var handlers = counter.Handlers.ToDictionary(h => h.Name);
        Assert.Multiple(() =>
        {
            Assert.That(counter.Type, Is.EqualTo(ServiceType.VirtualObject));
            Assert.That(handlers["add"].Type, Is.EqualTo(HandlerType.Exclusive));
            Assert.That(handlers["get"].Type, Is.EqualTo(HandlerType.Shared));
            Assert.That(handlers["add"].Public, Is.True);
            Assert.That(counter.Revision, Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public async Task Unknown_service_is_a_404_admin_error()
    {
        var e = await Assert.ThrowsAsync<RestateAdminException>(() => _admin.GetServiceAsync("Nope"));
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.EqualTo(404));
            Assert.That(e.RestateCode, Is.Null);
            Assert.That(e.RestateMessage, Does.Contain("Nope"));
        });
    }

    [Test]
    public async Task Register_of_an_unreachable_uri_is_a_meta_error()
    {
        var port = RestateServer.FreePorts(1)[0];
        var e = await Assert.ThrowsAsync<RestateAdminException>(() => _admin.RegisterDeploymentAsync(new Uri($"http://127.0.0.1:{port}/")));
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.GreaterThanOrEqualTo(400));
            Assert.That(e.RestateCode, Does.Match("^META[0-9]{4}$"));
            Assert.That(e.RestateMessage, Does.Contain(e.RestateCode!));
            Assert.That(e.Message, Does.Contain(e.RestateCode!));
        });
    }

    [Test]
    public async Task List_get_and_delete_deployments()
    {
        var deployments = await _admin.ListDeploymentsAsync();
        var ours = deployments.Single(d => d.Id == _deployment.Id);
        Assert.That(ours.Uri, Is.EqualTo(_host.Uri));
        Assert.That(ours.Services.Select(s => s.Name), Is.SupersetOf(new[] { "ClientGreeter", "ClientCounter" }));

        var detailed = await _admin.GetDeploymentAsync(_deployment.Id);
        Assert.That(detailed.Uri, Is.EqualTo(_host.Uri));
        Assert.That(detailed.Services.Select(s => s.Name), Does.Contain("ClientSignup"));

        // A second endpoint, registered with extra headers, then deleted.
        await using var temp = await RestateHost.StartAsync(0, o => o.Bind(Service("ClientTemp",
            Handler<string, string>("echo", (_, s) => Task.FromResult(s)))));
        var registered = await _admin.RegisterDeploymentAsync(temp.Uri, additionalHeaders: new Dictionary<string, string> { ["x-extra"] = "1" });
        var tempDetails = await _admin.GetDeploymentAsync(registered.Id);
        Assert.That(tempDetails.Raw.ToJsonString(), Does.Contain("x-extra"));
        Assert.That((await _admin.ListDeploymentsAsync()).Select(d => d.Id), Does.Contain(registered.Id));

        await _admin.DeleteDeploymentAsync(registered.Id);
        Assert.That((await _admin.ListDeploymentsAsync()).Select(d => d.Id), Does.Not.Contain(registered.Id));
        var missing = await Assert.ThrowsAsync<RestateAdminException>(() => _admin.GetDeploymentAsync(registered.Id));
        Assert.That(missing!.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Query_returns_rows()
    {
        var ingress = new IngressClient(_ingressHttp);
        var (_, invocationId) = await ingress.CallWithIdAsync<string, string>(CallTarget.ForService("ClientGreeter", "greet"), "query");
        var rows = await _admin.QueryAsync($"SELECT id, target_service_name, status FROM sys_invocation WHERE id = '{invocationId}'");
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That((string?)rows[0]!["target_service_name"], Is.EqualTo("ClientGreeter"));
            Assert.That((string?)rows[0]!["status"], Is.EqualTo("completed"));
        });

        var bad = await Assert.ThrowsAsync<RestateAdminException>(() => _admin.QueryAsync("SELECT nope FROM nowhere"));
        Assert.That(bad!.StatusCode, Is.GreaterThanOrEqualTo(400));
    }

    [Test]
    public async Task GetJournal_lists_the_entries_of_an_invocation_in_order()
    {
        var ingress = new IngressClient(_ingressHttp);
        var tag = "journal-" + Guid.NewGuid().ToString("N")[..8];
        var (_, invocationId) = await ingress.CallWithIdAsync<string, string>(CallTarget.ForService("ClientGreeter", "record"), tag);

        Assert.That(invocationId, Is.Not.Null);
        var journal = await _admin.GetJournalAsync(invocationId!);
        TestContext.Out.WriteLine(string.Join("\n", journal.Select(e => $"{e.Index} {e.EntryType} {e.Name} {e.Completed} {e.AppendedAt:O}")));
        Assert.That(journal.Select(e => e.Index), Is.EqualTo(Enumerable.Range(0, journal.Count)), "every entry, in index order");
        var run = journal.Where(e => e.Name == "record").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(journal[0].EntryType, Does.Contain("Input"));
            Assert.That(run, Is.Not.Empty, "the step 'record' is journaled under its name");
            Assert.That(run[0].EntryType, Does.Contain("Run"));
            Assert.That(run[0].Completed, Is.True, "its result is journaled (a notification with its completion id)");
            Assert.That(journal[0].Completed, Is.Null, "the input waits on nothing");
            Assert.That(journal.Any(e => e.EntryType.Contains("Output", StringComparison.Ordinal)), Is.True, "the handler's output is journaled");
            Assert.That(journal.All(e => e.AppendedAt is not null), Is.True);
            Assert.That(journal[^1].Raw["entry_type"], Is.Not.Null);
        });

        var first = await _admin.GetJournalAsync(invocationId!, maxEntries: 1);
        Assert.That(first.Select(e => e.Index), Is.EqualTo(new[] { 0 }), "maxEntries bounds the answer");
    }

    [Test]
    public async Task GetJournal_of_an_unknown_invocation_is_empty_and_a_malformed_id_is_refused()
    {
        var ingress = new IngressClient(_ingressHttp);
        var (_, invocationId) = await ingress.CallWithIdAsync<string, string>(CallTarget.ForService("ClientGreeter", "greet"), "other");
        var last = invocationId![^1];
        var unknown = invocationId[..^1] + (last == 'a' ? 'b' : 'a'); // the same shape, another id
        Assert.That(await _admin.GetJournalAsync(unknown), Is.Empty);
        await Assert.ThrowsAsync<ArgumentException>(() => _admin.GetJournalAsync("inv_1' OR '1'='1"));
        await Assert.ThrowsAsync<ArgumentException>(() => _admin.GetJournalAsync("dp_123"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _admin.GetJournalAsync("inv_1abc", maxEntries: 0));
    }

    [Test]
    public async Task RestateServer_register_and_query_go_through_the_admin_client()
    {
        var json = await _server.RegisterAsync(_host.Uri);
        Assert.That((string?)json["id"], Is.EqualTo(_deployment.Id));
        var rows = await _server.QueryAsync("SELECT name FROM sys_service WHERE name = 'ClientCounter'");
        Assert.That(rows, Has.Count.EqualTo(1));

        var port = RestateServer.FreePorts(1)[0];
        var e = await Assert.ThrowsAsync<RestateAdminException>(() => _server.RegisterAsync(new Uri($"http://127.0.0.1:{port}/")));
        Assert.That(e!.RestateCode, Does.StartWith("META"));
    }
}
