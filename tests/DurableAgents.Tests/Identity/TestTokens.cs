using System.Buffers.Text;
using System.Text;
using NSec.Cryptography;
using SimpleBase;

namespace DurableAgents.Tests.Identity;

/// <summary>Ed25519 keys and JWTs made like Restate makes them, for forging and expiring in tests.</summary>
internal static class TestTokens
{
    public static Key NewKey(bool exportable = false)
        => Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters
        {
            ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None,
        });

    /// <summary><c>publickeyv1_</c> + base58 of the raw public key (what restate-server logs as the kid).</summary>
    public static string KeyId(Key key) => "publickeyv1_" + Base58.Bitcoin.Encode(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>A PKCS#8 PEM private key, the format of restate-server's request-identity-private-key-pem-file.</summary>
    public static string Pem(Key key) => Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPrivateKeyText));

    public static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>Signs <c>base64url(header).base64url(payload)</c> with <paramref name="key"/>.</summary>
    public static string Sign(Key key, string headerJson, string payloadJson)
    {
        var signingInput = B64(headerJson) + "." + B64(payloadJson);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>A token as Restate issues it: nbf = now − 60 s, exp = now + 60 s.</summary>
    public static string Restate(Key key, string audience, DateTimeOffset now, string? kid = "", string alg = "EdDSA", bool iat = true, bool nbf = true, bool exp = true)
    {
        var k = kid == "" ? KeyId(key) : kid;
        var header = k is null ? $$"""{"typ":"JWT","alg":"{{alg}}"}""" : $$"""{"typ":"JWT","alg":"{{alg}}","kid":"{{k}}"}""";
        var t = now.ToUnixTimeSeconds();
        var claims = new List<string> { $"\"aud\":\"{audience}\"" };
        if (exp) claims.Add($"\"exp\":{t + 60}");
        if (iat) claims.Add($"\"iat\":{t}");
        if (nbf) claims.Add($"\"nbf\":{t - 60}");
        return Sign(key, header, "{" + string.Join(",", claims) + "}");
    }
}

/// <summary>A clock fixed at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
