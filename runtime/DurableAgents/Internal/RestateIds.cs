using System.Buffers.Binary;

namespace DurableAgents.Internal;

/// <summary>
/// The textual forms of Restate's ids that the SDK needs to relate to each other. An awakeable id is <c>sign_1</c> plus
/// base64url (no padding) of the raw invocation id (24 bytes: partition key, then the invocation uuid) followed by the
/// signal id (u32, big-endian); see <see cref="InvocationCore.AwakeableId"/>. The invocation id's text form
/// (<c>inv_1…</c>, what the ingress and the admin API show, and <c>StartMessage.debug_id</c>) is the version digit
/// <c>1</c>, then the partition key (11 base62 digits) and the uuid (22 base62 digits), each a little-endian read of
/// its raw bytes, zero-padded; alphabet <c>0-9a-zA-Z</c>. Checked against every start message of the golden vectors.
/// </summary>
internal static class RestateIds
{
    private const string Base62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string AwakeablePrefix = "sign_1";
    private const int RawInvocationIdLength = 24;

    /// <summary>The longest awakeable id this parser looks at; anything longer is not one.</summary>
    public const int MaxAwakeableIdLength = 128;

    /// <summary>The text form (<c>inv_1…</c>) of a raw 24-byte invocation id.</summary>
    public static string FormatInvocationId(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != RawInvocationIdLength)
        {
            throw new ArgumentException($"A raw invocation id has {RawInvocationIdLength} bytes, not {raw.Length}.", nameof(raw));
        }

        Span<char> text = stackalloc char[5 + 11 + 22];
        "inv_1".AsSpan().CopyTo(text);
        WriteBase62(BinaryPrimitives.ReadUInt64LittleEndian(raw[..8]), text.Slice(5, 11));
        WriteBase62(BinaryPrimitives.ReadUInt128LittleEndian(raw[8..]), text.Slice(16, 22));
        return new string(text);
    }

    /// <summary>
    /// The text form of the invocation that created the awakeable <paramref name="awakeableId"/>, or null when the
    /// string is not an awakeable id of this format (hostile input is expected: no exception).
    /// </summary>
    public static string? InvocationIdOfAwakeable(string? awakeableId)
    {
        if (awakeableId is null || awakeableId.Length > MaxAwakeableIdLength || !awakeableId.StartsWith(AwakeablePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = awakeableId.AsSpan(AwakeablePrefix.Length);
        Span<char> padded = stackalloc char[encoded.Length + 3];
        var length = 0;
        foreach (var c in encoded)
        {
            padded[length++] = c switch
            {
                '-' => '+',
                '_' => '/',
                (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') => c,
                _ => '\0',
            };
            if (padded[length - 1] == '\0')
            {
                return null;
            }
        }

        while (length % 4 != 0)
        {
            padded[length++] = '=';
        }

        Span<byte> bytes = stackalloc byte[MaxAwakeableIdLength];
        if (!Convert.TryFromBase64Chars(padded[..length], bytes, out var written) || written != RawInvocationIdLength + 4)
        {
            return null;
        }

        return FormatInvocationId(bytes[..RawInvocationIdLength]);
    }

    /// <summary>Whether <paramref name="invocationId"/> has the shape of an invocation id's text form.</summary>
    public static bool IsInvocationId(string? invocationId)
    {
        if (invocationId is not { Length: 5 + 11 + 22 } || !invocationId.StartsWith("inv_1", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in invocationId.AsSpan(5))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteBase62(UInt128 value, Span<char> into)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = Base62[(int)(value % 62)];
            value /= 62;
        }

        if (value != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The value does not fit the fixed width.");
        }
    }
}
