using Microsoft.Agents.AI;

namespace DurableAgents.AgentFramework;

/// <summary>
/// The session of a <see cref="DurableAgentProxy"/>: for a session agent, the key of its Virtual Object (the durable
/// agent keeps the conversation in its own state under that key); for a stateless agent, no key.
/// </summary>
public sealed class DurableAgentProxySession : AgentSession
{
    /// <summary>The longest key accepted.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>A session on <paramref name="key"/> (null for a stateless agent).</summary>
    public DurableAgentProxySession(string? key)
    {
        if (key is not null)
        {
            Validate(key);
        }

        Key = key;
    }

    /// <summary>The Virtual Object key of the session agent, or null for a stateless agent.</summary>
    public string? Key { get; }

    internal static void Validate(string key)
    {
        if (key.Length == 0 || key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A session key must have 1 to {MaxKeyLength} characters.", nameof(key));
        }

        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("A session key must not contain control characters.", nameof(key));
            }
        }
    }
}
