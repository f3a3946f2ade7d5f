using System.Net;
using System.Text;
using DurableAgents.Clients;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using NSec.Cryptography;
using static DurableAgents.Tests.Identity.TestTokens;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Identity;

/// <summary>A restate-server that signs its requests with an Ed25519 key, and an endpoint that only trusts that key.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RequestIdentityEndToEndTests
{
    private Key _serverKey = null!;
    private string _keyFile = null!;
    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private HttpClient _ingressHttp = null!;
    private IngressClient _ingress = null!;
    private HttpClient _direct = null!;
    private System.Text.Json.Nodes.JsonObject _registration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _serverKey = NewKey(exportable: true);
        _keyFile = Path.Combine(Path.GetTempPath(), $"restate-identity-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(_keyFile, Pem(_serverKey));
        _server = await RestateServer.StartAsync(new RestateServerOptions
        {
            Environment = new Dictionary<string, string> { ["RESTATE_WORKER__INVOKER__REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE"] = _keyFile },
        });
        _host = await RestateHost.StartAsync(0, o =>
        {
            o.IdentityKeys.Add(KeyId(_serverKey));
            o.Bind(Service("Signed", Handler<string, string>("echo", (ctx, s) => Task.FromResult("signed:" + s))));
        });
        _ingressHttp = new HttpClient { BaseAddress = _server.IngressUri, Timeout = TimeSpan.FromSeconds(60) };
        _ingress = new IngressClient(_ingressHttp);
        _direct = new HttpClient { BaseAddress = _host.Uri, Timeout = TimeSpan.FromSeconds(30) };
        _registration = await _server.RegisterAsync(_host.Uri);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _direct.Dispose();
        _ingressHttp.Dispose();
        await _host.DisposeAsync();
        await _server.DisposeAsync();
        _serverKey.Dispose();
        File.Delete(_keyFile);
    }

    private async Task<(HttpStatusCode Status, string Body)> DirectAsync(HttpMethod method, string path, string? jwt, string? scheme = "v1")
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.TryAddWithoutValidation("content-type", RestateEndpoint.InvocationContentTypeV6);
        }

        request.Headers.TryAddWithoutValidation("accept", DiscoveryManifest.ContentType(4));
        if (scheme is not null) request.Headers.TryAddWithoutValidation(RequestIdentityVerifier.SchemeHeader, scheme);
        if (jwt is not null) request.Headers.TryAddWithoutValidation(RequestIdentityVerifier.JwtHeader, jwt);
        using var response = await _direct.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_signing_server_registers_and_invokes_the_endpoint()
    {
        Assert.That(_registration["services"]!.AsArray().Select(s => (string?)s!["name"]), Does.Contain("Signed"));
        Assert.That(await _ingress.CallAsync<string, string>(CallTarget.ForService("Signed", "echo"), "a"), Is.EqualTo("signed:a"));
    }

    [Test]
    public async Task Unsigned_forged_and_expired_direct_requests_get_401_and_the_endpoint_keeps_serving()
    {
        using var attacker = NewKey();
        var now = DateTimeOffset.UtcNow;
        var cases = new (string Name, HttpMethod Method, string Path, string? Jwt, string? Scheme)[]
        {
            ("unsigned discover", HttpMethod.Get, "discover", null, null),
            ("unsigned invoke", HttpMethod.Post, "invoke/Signed/echo", null, null),
            ("scheme 'unsigned'", HttpMethod.Post, "invoke/Signed/echo", null, "unsigned"),
            ("forged with the server's kid", HttpMethod.Get, "discover", Restate(attacker, "/discover", now, kid: KeyId(_serverKey)), "v1"),
            ("forged with its own kid", HttpMethod.Post, "invoke/Signed/echo", Restate(attacker, "/invoke/Signed/echo", now), "v1"),
            ("expired", HttpMethod.Post, "invoke/Signed/echo", Restate(_serverKey, "/invoke/Signed/echo", now.AddMinutes(-10)), "v1"),
            ("not yet valid", HttpMethod.Get, "discover", Restate(_serverKey, "/discover", now.AddMinutes(10)), "v1"),
            ("for another path", HttpMethod.Post, "invoke/Signed/echo", Restate(_serverKey, "/discover", now), "v1"),
        };
        foreach (var c in cases)
        {
            var (status, body) = await DirectAsync(c.Method, c.Path, c.Jwt, c.Scheme);
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), $"{c.Name}: {body}");
        }

        // The key itself is fine: a fresh token signed with it opens /discover (the server's own key signs it here).
        var (okStatus, manifest) = await DirectAsync(HttpMethod.Get, "discover", Restate(_serverKey, "/discover", now));
        Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK), manifest);
        Assert.That(manifest, Does.Contain("\"Signed\""));

        // /health is not verified.
        var (health, _) = await DirectAsync(HttpMethod.Get, "health", null, null);
        Assert.That(health, Is.EqualTo(HttpStatusCode.OK));

        // And the real server still gets through.
        Assert.That(await _ingress.CallAsync<string, string>(CallTarget.ForService("Signed", "echo"), "b"), Is.EqualTo("signed:b"));
    }

    [Test]
    public async Task A_server_signing_with_another_key_cannot_register()
    {
        using var otherKey = NewKey(exportable: true);
        var otherFile = Path.Combine(Path.GetTempPath(), $"restate-identity-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(otherFile, Pem(otherKey));
        try
        {
            await using var other = await RestateServer.StartAsync(new RestateServerOptions
            {
                Environment = new Dictionary<string, string> { ["RESTATE_WORKER__INVOKER__REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE"] = otherFile },
            });
            var error = await Assert.ThrowsAsync<RestateAdminException>(() => other.RegisterAsync(_host.Uri));
            Assert.That(error!.Message, Does.Contain("401"));
        }
        finally
        {
            File.Delete(otherFile);
        }
    }
}
