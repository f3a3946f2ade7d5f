using System.Text;
using System.Text.Json;
using DurableAgents.Hosting;
using Microsoft.AspNetCore.Http;
using static DurableAgents.Tests.Identity.TestTokens;

namespace DurableAgents.Tests.Identity;

/// <summary>The JWT checks of request identity v1, against tokens a real restate-server issued and tokens made here.</summary>
public sealed class RequestIdentityVerifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

    private sealed record Captured(string PublicKey, IReadOnlyList<(string Path, HeaderDictionary Headers, long Iat, long Nbf, long Exp)> Requests);

    private static Captured LoadVectors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "identity-headers.json")));
        var requests = new List<(string, HeaderDictionary, long, long, long)>();
        foreach (var r in doc.RootElement.GetProperty("requests").EnumerateArray())
        {
            var headers = new HeaderDictionary();
            foreach (var h in r.GetProperty("request_headers").EnumerateObject())
            {
                headers[h.Name] = h.Value.GetString();
            }

            var jwt = headers[RequestIdentityVerifier.JwtHeader].ToString();
            using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]));
            requests.Add((r.GetProperty("path").GetString()!, headers, claims.RootElement.GetProperty("iat").GetInt64(),
                claims.RootElement.GetProperty("nbf").GetInt64(), claims.RootElement.GetProperty("exp").GetInt64()));
        }

        return new Captured(doc.RootElement.GetProperty("public_key").GetString()!, requests);
    }

    private static HeaderDictionary Signed(string jwt) => new()
    {
        [RequestIdentityVerifier.SchemeHeader] = "v1",
        [RequestIdentityVerifier.JwtHeader] = jwt,
    };

    [Test]
    public void Tokens_issued_by_restate_server_verify_at_their_issue_time()
    {
        var captured = LoadVectors();
        Assert.That(captured.Requests, Has.Count.EqualTo(2));
        foreach (var (path, headers, iat, _, _) in captured.Requests)
        {
            var verifier = new RequestIdentityVerifier([captured.PublicKey], new FixedTime(DateTimeOffset.FromUnixTimeSeconds(iat)));
            Assert.That(verifier.Verify(headers, path, out var reason), Is.True, $"{path}: {reason}");
        }
    }

    [Test]
    public void Restate_tokens_verify_under_a_deployment_path_prefix_and_with_a_query()
    {
        var (path, headers, iat, _, _) = LoadVectors().Requests.Single(r => r.Path.StartsWith("/invoke", StringComparison.Ordinal));
        var verifier = new RequestIdentityVerifier([LoadVectors().PublicKey], new FixedTime(DateTimeOffset.FromUnixTimeSeconds(iat)));
        Assert.Multiple(() =>
        {
            Assert.That(verifier.Verify(headers, "/tenants/acme/restate" + path, out var r1), Is.True, r1);
            Assert.That(verifier.Verify(headers, path + "?x=1", out var r2), Is.True, r2);
        });
    }

    [Test]
    public void Restate_tokens_are_rejected_outside_their_validity_window()
    {
        var captured = LoadVectors();
        foreach (var (path, headers, _, nbf, exp) in captured.Requests)
        {
            var clock = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(exp + 1));
            var verifier = new RequestIdentityVerifier([captured.PublicKey], clock);
            Assert.That(verifier.Verify(headers, path, out var reason), Is.False);
            Assert.That(reason, Does.Contain("expired"));

            clock.Now = DateTimeOffset.FromUnixTimeSeconds(nbf - 1);
            Assert.That(verifier.Verify(headers, path, out reason), Is.False);
            Assert.That(reason, Does.Contain("not valid before"));

            // The edges are inclusive (leeway 0, like the reference SDKs).
            clock.Now = DateTimeOffset.FromUnixTimeSeconds(exp);
            Assert.That(verifier.Verify(headers, path, out reason), Is.True, reason);
            clock.Now = DateTimeOffset.FromUnixTimeSeconds(nbf);
            Assert.That(verifier.Verify(headers, path, out reason), Is.True, reason);
        }
    }

    [Test]
    public void A_restate_token_for_one_path_is_rejected_on_another()
    {
        var captured = LoadVectors();
        var discover = captured.Requests.Single(r => r.Path == "/discover");
        var verifier = new RequestIdentityVerifier([captured.PublicKey], new FixedTime(DateTimeOffset.FromUnixTimeSeconds(discover.Iat)));
        Assert.That(verifier.Verify(discover.Headers, "/invoke/Counter/add", out var reason), Is.False);
        Assert.That(reason, Does.Contain("audience"));
    }

    [Test]
    public void A_restate_token_with_an_edited_payload_fails_the_signature_check()
    {
        var captured = LoadVectors();
        var (_, headers, iat, _, _) = captured.Requests.Single(r => r.Path == "/discover");
        var parts = headers[RequestIdentityVerifier.JwtHeader].ToString().Split('.');
        var claims = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        var edited = $"{parts[0]}.{B64(claims.Replace("/discover", "/invoke/Counter/add", StringComparison.Ordinal))}.{parts[2]}";
        var verifier = new RequestIdentityVerifier([captured.PublicKey], new FixedTime(DateTimeOffset.FromUnixTimeSeconds(iat)));
        Assert.That(verifier.Verify(Signed(edited), "/invoke/Counter/add", out var reason), Is.False);
        Assert.That(reason, Does.Contain("signature is invalid"));
    }

    [Test]
    public void A_restate_token_is_rejected_when_only_another_key_is_configured()
    {
        var captured = LoadVectors();
        var (path, headers, iat, _, _) = captured.Requests[0];
        using var other = NewKey();
        var verifier = new RequestIdentityVerifier([KeyId(other)], new FixedTime(DateTimeOffset.FromUnixTimeSeconds(iat)));
        Assert.That(verifier.Verify(headers, path, out var reason), Is.False);
        Assert.That(reason, Does.Contain("not configured"));
    }

    [Test]
    public void Unsigned_requests_are_rejected()
    {
        using var key = NewKey();
        var verifier = new RequestIdentityVerifier([KeyId(key)], new FixedTime(Now));
        Assert.Multiple(() =>
        {
            Assert.That(verifier.Verify(new HeaderDictionary(), "/discover", out var r1), Is.False);
            Assert.That(r1, Does.Contain("not signed"));
            Assert.That(verifier.Verify(new HeaderDictionary { [RequestIdentityVerifier.SchemeHeader] = "unsigned" }, "/discover", out var r2), Is.False);
            Assert.That(r2, Does.Contain("not signed"));
            Assert.That(verifier.Verify(new HeaderDictionary { [RequestIdentityVerifier.SchemeHeader] = "v1" }, "/discover", out var r3), Is.False);
            Assert.That(r3, Does.Contain("without a x-restate-jwt-v1"));
            var jwt = Restate(key, "/discover", Now);
            Assert.That(verifier.Verify(new HeaderDictionary { [RequestIdentityVerifier.SchemeHeader] = "v2", [RequestIdentityVerifier.JwtHeader] = jwt }, "/discover", out var r4), Is.False);
            Assert.That(r4, Does.Contain("unknown signature scheme"));
            // A valid token without the scheme header is still unsigned.
            Assert.That(verifier.Verify(new HeaderDictionary { [RequestIdentityVerifier.JwtHeader] = jwt }, "/discover", out _), Is.False);
        });
    }

    [Test]
    public void Self_signed_tokens_verify_with_or_without_a_kid_and_against_any_configured_key()
    {
        using var first = NewKey();
        using var second = NewKey();
        var verifier = new RequestIdentityVerifier([KeyId(first), KeyId(second)], new FixedTime(Now));
        Assert.Multiple(() =>
        {
            Assert.That(verifier.Verify(Signed(Restate(first, "/discover", Now)), "/discover", out var r1), Is.True, r1);
            Assert.That(verifier.Verify(Signed(Restate(second, "/invoke/S/h", Now)), "/invoke/S/h", out var r2), Is.True, r2);
            Assert.That(verifier.Verify(Signed(Restate(second, "/invoke/S/h", Now, kid: null)), "/invoke/S/h", out var r3), Is.True, r3);
        });
    }

    [Test]
    public void Forged_tokens_are_rejected()
    {
        using var trusted = NewKey();
        using var attacker = NewKey();
        var verifier = new RequestIdentityVerifier([KeyId(trusted)], new FixedTime(Now));
        Assert.Multiple(() =>
        {
            // Signed by another key but claiming the trusted kid.
            Assert.That(verifier.Verify(Signed(Restate(attacker, "/discover", Now, kid: KeyId(trusted))), "/discover", out var r1), Is.False);
            Assert.That(r1, Does.Contain("signature is invalid"));
            // Signed by another key, no kid: every configured key is tried.
            Assert.That(verifier.Verify(Signed(Restate(attacker, "/discover", Now, kid: null)), "/discover", out var r2), Is.False);
            Assert.That(r2, Does.Contain("signature is invalid"));
            // Signed by another key, its own kid.
            Assert.That(verifier.Verify(Signed(Restate(attacker, "/discover", Now)), "/discover", out var r3), Is.False);
            Assert.That(r3, Does.Contain("not configured"));
            // alg "none" with an empty signature, and HS256.
            var none = B64("""{"alg":"none"}""") + "." + B64($$"""{"aud":"/discover","exp":{{Now.ToUnixTimeSeconds() + 60}},"nbf":0,"iat":0}""") + ".";
            Assert.That(verifier.Verify(Signed(none), "/discover", out _), Is.False);
            Assert.That(verifier.Verify(Signed(Restate(trusted, "/discover", Now, alg: "HS256")), "/discover", out var r5), Is.False);
            Assert.That(r5, Does.Contain("algorithm"));
            // Garbage.
            Assert.That(verifier.Verify(Signed("not-a-jwt"), "/discover", out _), Is.False);
            Assert.That(verifier.Verify(Signed("a.b.c.d"), "/discover", out _), Is.False);
            Assert.That(verifier.Verify(Signed("!!.??.**"), "/discover", out _), Is.False);
        });
    }

    [Test]
    public void Tokens_without_the_required_time_claims_are_rejected()
    {
        using var key = NewKey();
        var verifier = new RequestIdentityVerifier([KeyId(key)], new FixedTime(Now));
        Assert.Multiple(() =>
        {
            Assert.That(verifier.Verify(Signed(Restate(key, "/discover", Now, exp: false)), "/discover", out var r1), Is.False, r1);
            Assert.That(verifier.Verify(Signed(Restate(key, "/discover", Now, nbf: false)), "/discover", out var r2), Is.False, r2);
            Assert.That(verifier.Verify(Signed(Restate(key, "/discover", Now, iat: false)), "/discover", out var r3), Is.False, r3);
            Assert.That(r3, Does.Contain("required"));
            var noAud = Sign(key, $$"""{"alg":"EdDSA","kid":"{{KeyId(key)}}"}""", $$"""{"exp":{{Now.ToUnixTimeSeconds() + 60}},"nbf":0,"iat":0}""");
            Assert.That(verifier.Verify(Signed(noAud), "/discover", out var r4), Is.False);
            Assert.That(r4, Does.Contain("no aud"));
            var stringExp = Sign(key, """{"alg":"EdDSA"}""", """{"aud":"/discover","exp":"later","nbf":0,"iat":0}""");
            Assert.That(verifier.Verify(Signed(stringExp), "/discover", out _), Is.False);
        });
    }

    [Test]
    public void Expired_and_wrong_audience_self_signed_tokens_are_rejected()
    {
        using var key = NewKey();
        var verifier = new RequestIdentityVerifier([KeyId(key)], new FixedTime(Now));
        Assert.Multiple(() =>
        {
            Assert.That(verifier.Verify(Signed(Restate(key, "/discover", Now.AddMinutes(-5))), "/discover", out var r1), Is.False);
            Assert.That(r1, Does.Contain("expired"));
            Assert.That(verifier.Verify(Signed(Restate(key, "/discover", Now.AddMinutes(5))), "/discover", out var r2), Is.False);
            Assert.That(r2, Does.Contain("not valid before"));
            Assert.That(verifier.Verify(Signed(Restate(key, "/invoke/Counter/add", Now)), "/invoke/Counter/get", out var r3), Is.False);
            Assert.That(r3, Does.Contain("audience"));
            // The audience is the last path segments, not any suffix.
            Assert.That(verifier.Verify(Signed(Restate(key, "/invoke/Counter/add", Now)), "/x/invoke/Counter/add/extra", out _), Is.False);
        });
    }

    [Test]
    public void Audience_normalisation_keeps_the_protocol_suffix()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RequestIdentityVerifier.NormalizeAudience("/discover"), Is.EqualTo("/discover"));
            Assert.That(RequestIdentityVerifier.NormalizeAudience("/a/b/discover"), Is.EqualTo("/discover"));
            Assert.That(RequestIdentityVerifier.NormalizeAudience("/invoke/S/h"), Is.EqualTo("/invoke/S/h"));
            Assert.That(RequestIdentityVerifier.NormalizeAudience("/prefix/invoke/S/h?q=1"), Is.EqualTo("/invoke/S/h"));
            Assert.That(RequestIdentityVerifier.NormalizeAudience("/health"), Is.EqualTo("/health"));
            Assert.That(RequestIdentityVerifier.NormalizeAudience("/invoke/S"), Is.EqualTo("/invoke/S"));
        });
    }

    [Test]
    public void Malformed_keys_are_configuration_errors()
    {
        using var key = NewKey();
        var good = KeyId(key);
        Assert.Multiple(() =>
        {
            Assert.That(() => new RequestIdentityVerifier([good["publickeyv1_".Length..]]), Throws.ArgumentException.With.Message.Contains("publickeyv1_"));
            Assert.That(() => new RequestIdentityVerifier(["publickeyv1_0OIl"]), Throws.ArgumentException.With.Message.Contains("base58"));
            Assert.That(() => new RequestIdentityVerifier([good[..^4]]), Throws.ArgumentException.With.Message.Contains("32"));
            Assert.That(() => new RequestIdentityVerifier([]), Throws.ArgumentException);
            Assert.That(() => new RestateEndpoint(new RestateEndpointOptions { IdentityKeys = { "publickeyv1_abc" } }), Throws.ArgumentException);
        });
    }
}
