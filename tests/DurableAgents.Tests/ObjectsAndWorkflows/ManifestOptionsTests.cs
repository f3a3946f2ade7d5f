using DurableAgents.Definitions;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

[TestFixture]
[NonParallelizable]
public sealed class ManifestOptionsTests : OwFixture
{
    internal static readonly ServiceDefinition Documented = new()
    {
        Name = "OwDocumented",
        Type = ServiceType.VirtualObject,
        JsonTypeInfoResolver = TestJsonContext.Default,
        Options = new ServiceOptions
        {
            Documentation = "A documented object",
            Metadata = new Dictionary<string, string> { ["team"] = "agents", ["tier"] = "gold" },
            InactivityTimeout = TimeSpan.FromSeconds(90),
            AbortTimeout = TimeSpan.FromMinutes(7),
            JournalRetention = TimeSpan.FromHours(2),
            IdempotencyRetention = TimeSpan.FromHours(3),
            EnableLazyState = true,
            RetryPolicyInitialInterval = TimeSpan.FromMilliseconds(250),
            RetryPolicyMaxInterval = TimeSpan.FromSeconds(20),
            RetryPolicyMaxAttempts = 12,
            RetryPolicyExponentiationFactor = 1.5,
            RetryPolicyOnMaxAttempts = OnMaxAttempts.Kill,
        },
        Handlers =
        [
            new HandlerDefinition
            {
                Name = "hidden",
                Type = HandlerType.Exclusive,
                Invoker = (_, input) => ValueTask.FromResult(input),
                Options = new HandlerOptions
                {
                    Documentation = "Not for the ingress",
                    Metadata = new Dictionary<string, string> { ["kind"] = "internal" },
                    IngressPrivate = true,
                    InactivityTimeout = TimeSpan.FromSeconds(30),
                    AbortTimeout = TimeSpan.FromSeconds(45),
                    JournalRetention = TimeSpan.FromMinutes(10),
                    IdempotencyRetention = TimeSpan.FromMinutes(20),
                    EnableLazyState = false,
                    RetryPolicyInitialInterval = TimeSpan.FromSeconds(1),
                    RetryPolicyMaxInterval = TimeSpan.FromSeconds(5),
                    RetryPolicyMaxAttempts = 3,
                    RetryPolicyExponentiationFactor = 3,
                    RetryPolicyOnMaxAttempts = OnMaxAttempts.Pause,
                },
            },
            Handler<string, string>("echo", (_, s) => Task.FromResult(s), HandlerType.Shared),
        ],
    };

    internal static readonly ServiceDefinition Private = new()
    {
        Name = "OwPrivate",
        Type = ServiceType.Service,
        JsonTypeInfoResolver = TestJsonContext.Default,
        Options = new ServiceOptions { IngressPrivate = true },
        Handlers = [Handler<string, string>("echo", (_, s) => Task.FromResult(s))],
    };

    internal override IEnumerable<ServiceDefinition> Services => [Documented, Private];

    [Test]
    public async Task Service_options_of_a_v4_manifest_are_accepted_and_read_back()
    {
        var raw = (await Admin.GetServiceAsync("OwDocumented")).Raw;
        Assert.Multiple(() =>
        {
            Assert.That((string?)raw["documentation"], Is.EqualTo("A documented object"));
            Assert.That((string?)raw["metadata"]!["team"], Is.EqualTo("agents"));
            Assert.That((string?)raw["metadata"]!["tier"], Is.EqualTo("gold"));
            Assert.That((string?)raw["inactivity_timeout"], Is.EqualTo("1m 30s"));
            Assert.That((string?)raw["abort_timeout"], Is.EqualTo("7m"));
            Assert.That((string?)raw["journal_retention"], Is.EqualTo("2h"));
            Assert.That((string?)raw["idempotency_retention"], Is.EqualTo("3h"));
            Assert.That((bool?)raw["enable_lazy_state"], Is.True);
            Assert.That((bool?)raw["public"], Is.True);
            var retry = raw["retry_policy"]!;
            Assert.That((string?)retry["initial_interval"], Is.EqualTo("250ms"));
            Assert.That((string?)retry["max_interval"], Is.EqualTo("20s"));
            Assert.That((int?)retry["max_attempts"], Is.EqualTo(12));
            Assert.That((double?)retry["exponentiation_factor"], Is.EqualTo(1.5));
            Assert.That((string?)retry["on_max_attempts"], Is.EqualTo("Kill"));
        });
    }

    [Test]
    public async Task Handler_options_of_a_v4_manifest_are_accepted_and_read_back()
    {
        var handlers = (await Admin.GetServiceAsync("OwDocumented")).Raw["handlers"]!.AsArray();
        var hidden = handlers.Single(h => (string?)h!["name"] == "hidden")!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)hidden["documentation"], Is.EqualTo("Not for the ingress"));
            Assert.That((string?)hidden["metadata"]!["kind"], Is.EqualTo("internal"));
            Assert.That((bool?)hidden["public"], Is.False);
            Assert.That((string?)hidden["inactivity_timeout"], Is.EqualTo("30s"));
            Assert.That((string?)hidden["abort_timeout"], Is.EqualTo("45s"));
            Assert.That((string?)hidden["journal_retention"], Is.EqualTo("10m"));
            Assert.That((string?)hidden["idempotency_retention"], Is.EqualTo("20m"));
            Assert.That((bool?)hidden["enable_lazy_state"], Is.False);
            var retry = hidden["retry_policy"]!;
            Assert.That((string?)retry["initial_interval"], Is.EqualTo("1s"));
            Assert.That((string?)retry["max_interval"], Is.EqualTo("5s"));
            Assert.That((int?)retry["max_attempts"], Is.EqualTo(3));
            Assert.That((double?)retry["exponentiation_factor"], Is.EqualTo(3.0));
            Assert.That((string?)retry["on_max_attempts"], Is.EqualTo("Pause"));
        });
    }

    [Test]
    public async Task Ingress_private_services_and_handlers_are_not_reachable_through_the_ingress()
    {
        Assert.That((await Admin.GetServiceAsync("OwPrivate")).Public, Is.False);
        var service = await Assert.ThrowsAsync<DurableAgents.Clients.RestateIngressException>(() => Ingress.CallAsync<string, string>(CallTarget.ForService("OwPrivate", "echo"), "x"));
        Assert.That(service!.StatusCode, Is.InRange(400, 499), service.Message);
        var handler = await Assert.ThrowsAsync<DurableAgents.Clients.RestateIngressException>(() => Ingress.CallAsync<string, string>(CallTarget.ForObject("OwDocumented", "k", "hidden"), "x"));
        Assert.That(handler!.StatusCode, Is.InRange(400, 499), handler.Message);

        // The public handler of the same (lazy-state) object works.
        Assert.That(await Ingress.CallAsync<string, string>(CallTarget.ForObject("OwDocumented", "k", "echo"), "y"), Is.EqualTo("y"));
    }

    [Test]
    public async Task An_older_manifest_version_carries_only_the_fields_it_knows()
    {
        using var http = new HttpClient { BaseAddress = Host.Uri };
        async Task<string> DiscoverAsync(int version)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "discover")
            {
                Version = System.Net.HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.TryAddWithoutValidation("accept", Hosting.DiscoveryManifest.ContentType(version));
            using var response = await http.SendAsync(request);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo($"application/vnd.restate.endpointmanifest.v{version}+json"));
            return await response.Content.ReadAsStringAsync();
        }

        var v1 = await DiscoverAsync(1);
        var v2 = await DiscoverAsync(2);
        var v3 = await DiscoverAsync(3);
        var v4 = await DiscoverAsync(4);
        Assert.Multiple(() =>
        {
            Assert.That(v1, Does.Not.Contain("documentation").And.Not.Contain("ingressPrivate").And.Not.Contain("retryPolicy"));
            Assert.That(v2, Does.Contain("\"documentation\"").And.Not.Contain("ingressPrivate").And.Not.Contain("enableLazyState"));
            Assert.That(v3, Does.Contain("\"ingressPrivate\"").And.Contain("\"enableLazyState\"").And.Contain("\"journalRetention\"").And.Not.Contain("retryPolicy"));
            Assert.That(v4, Does.Contain("\"retryPolicyMaxAttempts\"").And.Contain("\"retryPolicyOnMaxAttempts\":\"KILL\""));
        });
    }
}
