using System.Diagnostics;
using System.Net;
using System.Text;
using DurableAgents.Clients;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.Identity.TestTokens;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// An endpoint that trusts only the signing restate-server's key, flooded with unsigned, forged (another key, a
/// tampered payload, a wrong audience, expired, alg none, garbage) requests while an invocation is in flight: each is
/// a 401, the in-flight invocation completes and the next signed request is served.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ForgedRequestTests
{
    [Test]
    public async Task Unsigned_and_forged_requests_get_401_and_the_endpoint_keeps_serving_signed_ones()
    {
        var rounds = FaultSettings.Int("FORGED_ROUNDS", 25);
        var sw = Stopwatch.StartNew();
        using var serverKey = NewKey(exportable: true);
        using var otherKey = NewKey();
        var keyFile = Path.Combine(Path.GetTempPath(), $"restate-identity-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, Pem(serverKey));
        try
        {
            await using var server = await RestateServer.StartAsync(new RestateServerOptions
            {
                Environment = new Dictionary<string, string> { ["RESTATE_WORKER__INVOKER__REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE"] = keyFile },
            });
            await using var host = await RestateHost.StartAsync(0, o =>
            {
                o.IdentityKeys.Add(KeyId(serverKey));
                o.Bind(Service("Guarded",
                    Handler<string, string>("echo", (_, s) => Task.FromResult("signed:" + s)),
                    Handler<string, string>("slow", async (ctx, s) =>
                    {
                        await ctx.SleepAsync(TimeSpan.FromMilliseconds(500));
                        return await ctx.RunAsync("after", _ => Task.FromResult("slow:" + s));
                    })));
            });
            await server.RegisterAsync(host.Uri);
            using var ingressHttp = new HttpClient { BaseAddress = server.IngressUri, Timeout = TimeSpan.FromSeconds(60) };
            var ingress = new IngressClient(ingressHttp);
            using var handler = new SocketsHttpHandler();
            using var direct = new HttpClient(handler) { BaseAddress = host.Uri, Timeout = TimeSpan.FromSeconds(30) };

            var inFlight = await ingress.SendRawAsync(CallTarget.ForService("Guarded", "slow"), "\"s\""u8.ToArray());
            const string aud = "/invoke/Guarded/echo";
            var now = DateTimeOffset.UtcNow;
            var valid = Restate(serverKey, aud, now);
            var parts = valid.Split('.');
            var tampered = parts[0] + "." + B64($$"""{"aud":"{{aud}}","exp":{{now.ToUnixTimeSeconds() + 3600}},"iat":{{now.ToUnixTimeSeconds()}},"nbf":{{now.ToUnixTimeSeconds() - 60}}}""") + "." + parts[2];
            var forgeries = new (string Name, string? Scheme, string? Jwt)[]
            {
                ("unsigned (no headers)", null, null),
                ("scheme unsigned", "unsigned", null),
                ("signed by another key", "v1", Restate(otherKey, aud, now, kid: KeyId(serverKey))),
                ("tampered payload", "v1", tampered),
                ("wrong audience", "v1", Restate(serverKey, "/invoke/Guarded/slow", now)),
                ("expired", "v1", Restate(serverKey, aud, now.AddMinutes(-10))),
                ("alg none", "v1", B64("""{"typ":"JWT","alg":"none"}""") + "." + parts[1] + "."),
                ("garbage", "v1", "not.a.jwt"),
                ("empty signature", "v1", parts[0] + "." + parts[1] + "."),
            };

            var rejected = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, scheme, jwt) in forgeries)
                {
                    var (status, body) = await SendAsync(direct, aud, scheme, jwt, round);
                    Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized), $"{name} (round {round}): {body}");
                    rejected++;
                }

                var ok = await ingress.CallRawAsync(CallTarget.ForService("Guarded", "echo"), Encoding.UTF8.GetBytes($"\"r{round}\""));
                Assert.That(Encoding.UTF8.GetString(ok), Is.EqualTo($"\"signed:r{round}\""), $"signed request after round {round}");
            }

            Assert.That(Encoding.UTF8.GetString(await ingress.AttachRawAsync(inFlight.InvocationId)), Is.EqualTo("\"slow:s\""), "the invocation in flight completed");
            sw.Stop();
            FaultSettings.Record("Unsigned and forged requests (identity keys configured)", $"{rounds} rounds × {forgeries.Length} kinds",
                string.Join(", ", forgeries.Select(f => f.Name)),
                $"{rejected} × 401; a signed request after every round served; the invocation in flight completed", sw.Elapsed);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient direct, string path, string? scheme, string? jwt, int round)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new JournalBuilder().Input($"\"forged-{round}\"").Build()),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", RestateEndpoint.InvocationContentTypeV6);
        if (scheme is not null) request.Headers.TryAddWithoutValidation(RequestIdentityVerifier.SchemeHeader, scheme);
        if (jwt is not null) request.Headers.TryAddWithoutValidation(RequestIdentityVerifier.JwtHeader, jwt);
        using var response = await direct.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
