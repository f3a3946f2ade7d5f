using Microsoft.AspNetCore.Http;

namespace DurableAgents.Hosting;

/// <summary>
/// Verifies Restate's request-identity JWT (<c>x-restate-jwt-v1</c>). Placeholder that rejects everything until the
/// Ed25519 verification lands; it is only constructed when identity keys are configured.
/// </summary>
internal sealed class RequestIdentityVerifier(IEnumerable<string> keys)
{
    private readonly string[] _keys = keys.ToArray();

    public bool Verify(IHeaderDictionary headers, string audience, out string reason)
    {
        reason = $"request identity verification is not available yet ({_keys.Length} key(s) configured)";
        return false;
    }
}
