using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NSec.Cryptography;
using SimpleBase;

namespace DurableAgents.Hosting;

/// <summary>
/// Verifies Restate's request identity (scheme <c>v1</c>): the <c>x-restate-jwt-v1</c> header must be a JWT signed
/// with EdDSA (Ed25519) by one of the configured <c>publickeyv1_…</c> keys, whose <c>aud</c> is the request path
/// without the deployment prefix (<c>/discover</c> or <c>/invoke/{service}/{handler}</c>) and whose <c>nbf</c>/<c>exp</c>
/// window contains the current time (no leeway: Restate already skews them by its own leeway). <c>iat</c> is required.
/// </summary>
internal sealed class RequestIdentityVerifier
{
    public const string KeyPrefix = "publickeyv1_";
    public const string SchemeHeader = "x-restate-signature-scheme";
    public const string JwtHeader = "x-restate-jwt-v1";

    private const int MaxTokenLength = 16 * 1024;

    private readonly (string Kid, PublicKey Key)[] _keys;
    private readonly TimeProvider _time;

    public RequestIdentityVerifier(IEnumerable<string> keys, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Select(k => (k, ParseKey(k))).ToArray();
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one request identity key is required.", nameof(keys));
        }

        _time = time ?? TimeProvider.System;
    }

    /// <summary>Decodes <c>publickeyv1_</c> + base58 (Bitcoin alphabet) of a raw 32-byte Ed25519 public key.</summary>
    public static PublicKey ParseKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A request identity key must start with '{KeyPrefix}' (got '{Shorten(key)}').", nameof(key));
        }

        byte[] raw;
        try
        {
            raw = Base58.Bitcoin.Decode(key.AsSpan(KeyPrefix.Length));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The request identity key '{Shorten(key)}' is not valid base58: {e.Message}", nameof(key), e);
        }

        if (raw.Length != 32)
        {
            throw new ArgumentException($"The request identity key '{Shorten(key)}' decodes to {raw.Length} bytes; an Ed25519 public key has 32.", nameof(key));
        }

        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null)
        {
            throw new ArgumentException($"The request identity key '{Shorten(key)}' is not a valid Ed25519 public key.", nameof(key));
        }

        return publicKey;
    }

    /// <summary>
    /// The audience Restate signs for a request path: the trailing <c>/invoke/{service}/{handler}</c> or <c>/discover</c>,
    /// so an endpoint mounted under a path prefix verifies the same way. Other paths are returned unchanged.
    /// </summary>
    public static string NormalizeAudience(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            path = path[..q];
        }

        var last = path.LastIndexOf('/');
        if (last >= 0 && path.AsSpan(last).SequenceEqual("/discover"))
        {
            return "/discover";
        }

        // …/invoke/{service}/{handler}: the third slash from the end must start "/invoke".
        var second = last > 0 ? path.LastIndexOf('/', last - 1) : -1;
        var third = second > 0 ? path.LastIndexOf('/', second - 1) : -1;
        if (third >= 0 && path.AsSpan(third, second - third).SequenceEqual("/invoke"))
        {
            return path[third..];
        }

        return path;
    }

    /// <summary>Verifies the identity headers of a request to <paramref name="path"/>.</summary>
    public bool Verify(IHeaderDictionary headers, string path, out string reason)
        => Verify(headers[SchemeHeader].ToString(), headers[JwtHeader].ToString(), path, out reason);

    /// <summary>Verifies the values of the two identity headers (empty when absent) of a request to <paramref name="path"/>.</summary>
    public bool Verify(string scheme, string jwt, string path, out string reason)
    {
        if (scheme.Length == 0 || string.Equals(scheme, "unsigned", StringComparison.OrdinalIgnoreCase))
        {
            reason = "the request is not signed (no x-restate-signature-scheme: v1)";
            return false;
        }

        if (!string.Equals(scheme, "v1", StringComparison.Ordinal))
        {
            reason = $"unknown signature scheme '{Shorten(scheme)}'";
            return false;
        }

        if (jwt.Length == 0)
        {
            reason = $"signature scheme v1 without a {JwtHeader} header";
            return false;
        }

        return VerifyToken(jwt, NormalizeAudience(path), out reason);
    }

    /// <summary>Verifies a compact JWT for <paramref name="audience"/>.</summary>
    public bool VerifyToken(string jwt, string audience, out string reason)
    {
        if (jwt.Length > MaxTokenLength)
        {
            reason = "the token is too long";
            return false;
        }

        var dot1 = jwt.IndexOf('.', StringComparison.Ordinal);
        var dot2 = dot1 < 0 ? -1 : jwt.IndexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 <= dot1 + 1 || dot2 == jwt.Length - 1 || jwt.IndexOf('.', dot2 + 1) >= 0)
        {
            reason = "the token is not a compact JWT (header.payload.signature)";
            return false;
        }

        if (!TryDecode(jwt.AsSpan(0, dot1), out var header) || !TryDecode(jwt.AsSpan(dot1 + 1, dot2 - dot1 - 1), out var payload)
            || !TryDecode(jwt.AsSpan(dot2 + 1), out var signature))
        {
            reason = "the token is not valid base64url";
            return false;
        }

        if (!TryReadHeader(header, out var alg, out var kid))
        {
            reason = "the token header is not a JSON object";
            return false;
        }

        if (!string.Equals(alg, "EdDSA", StringComparison.Ordinal))
        {
            reason = $"unsupported token algorithm '{Shorten(alg ?? "<none>")}' (expected EdDSA)";
            return false;
        }

        // The signed bytes: ASCII of base64url(header) '.' base64url(payload).
        var signed = Encoding.ASCII.GetBytes(jwt, 0, dot2);
        var verified = false;
        var keyFound = false;
        foreach (var (id, key) in _keys)
        {
            if (kid is not null && !string.Equals(kid, id, StringComparison.Ordinal))
            {
                continue;
            }

            keyFound = true;
            if (signature.Length == SignatureAlgorithm.Ed25519.SignatureSize && SignatureAlgorithm.Ed25519.Verify(key, signed, signature))
            {
                verified = true;
                break;
            }
        }

        if (!keyFound)
        {
            reason = $"the token is signed with key '{Shorten(kid!)}', which is not configured";
            return false;
        }

        if (!verified)
        {
            reason = "the token signature is invalid";
            return false;
        }

        if (!TryReadClaims(payload, out var claims))
        {
            reason = "the token claims are not a JSON object";
            return false;
        }

        if (claims.Audiences.Count == 0)
        {
            reason = "the token has no aud claim";
            return false;
        }

        if (!claims.Audiences.Contains(audience, StringComparer.Ordinal))
        {
            reason = $"the token audience '{Shorten(string.Join(",", claims.Audiences))}' does not match the request path '{Shorten(audience)}'";
            return false;
        }

        if (claims.Exp is not { } exp || claims.Nbf is not { } nbf || claims.Iat is null)
        {
            reason = "the token lacks a required claim (exp, nbf and iat are required)";
            return false;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        if (now > exp)
        {
            reason = $"the token expired at {FormatTime(exp)} (now {FormatTime(now)})";
            return false;
        }

        if (now < nbf)
        {
            reason = $"the token is not valid before {FormatTime(nbf)} (now {FormatTime(now)})";
            return false;
        }

        reason = "";
        return true;
    }

    private static string FormatTime(double unixSeconds)
        => DateTimeOffset.FromUnixTimeMilliseconds((long)(unixSeconds * 1000)).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private static bool TryDecode(ReadOnlySpan<char> base64Url, out byte[] bytes)
    {
        bytes = [];
        if (base64Url.Length == 0)
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(base64Url);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryReadHeader(byte[] json, out string? alg, out string? kid)
    {
        alg = null;
        kid = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAlg = reader.ValueTextEquals("alg"u8);
                var isKid = reader.ValueTextEquals("kid"u8);
                reader.Read();
                if (isAlg || isKid)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    if (isAlg) alg = reader.GetString();
                    else kid = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            return reader.TokenType == JsonTokenType.EndObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class Claims
    {
        public List<string> Audiences { get; } = [];

        public double? Exp { get; set; }

        public double? Nbf { get; set; }

        public double? Iat { get; set; }
    }

    private static bool TryReadClaims(byte[] json, out Claims claims)
    {
        claims = new Claims();
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "aud" when reader.TokenType == JsonTokenType.String:
                        claims.Audiences.Add(reader.GetString()!);
                        break;
                    case "aud" when reader.TokenType == JsonTokenType.StartArray:
                        while (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            claims.Audiences.Add(reader.GetString()!);
                        }

                        if (reader.TokenType != JsonTokenType.EndArray)
                        {
                            return false;
                        }

                        break;
                    case "exp" or "nbf" or "iat":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var t) || !double.IsFinite(t))
                        {
                            return false; // a malformed time claim is an invalid token, not a missing one
                        }

                        if (name == "exp") claims.Exp = t;
                        else if (name == "nbf") claims.Nbf = t;
                        else claims.Iat = t;
                        break;
                    case "aud":
                        return false;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return reader.TokenType == JsonTokenType.EndObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
