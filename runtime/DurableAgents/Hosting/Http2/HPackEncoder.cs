using System.Buffers;
using System.Text;

namespace DurableAgents.Hosting.Http2;

/// <summary>
/// A minimal, stateless HPACK encoder (RFC 7541) for response headers: every field is written as a literal without
/// indexing (section 6.2.2), naming the static table entry when there is one, with raw (not Huffman-coded) strings.
/// It never adds to the peer's dynamic table, so it needs no per-connection state and never has to send a dynamic
/// table size update.
/// </summary>
internal static class HPackEncoder
{
    // An int with any prefix takes the prefix octet and at most 5 continuation octets.
    private const int MaxIntegerLength = 6;

    /// <summary>
    /// Appends one header field as a literal header field without indexing (section 6.2.2): indexed name when the
    /// name is in the static table (its first entry with that name), otherwise a literal name; the value as a raw
    /// string literal.
    /// </summary>
    /// <param name="name">A lower-case ASCII field name (RFC 7540 section 8.1.2).</param>
    /// <param name="value">A Latin-1 field value.</param>
    /// <param name="output">Where the encoded field goes.</param>
    /// <exception cref="ArgumentException">The name is empty or not lower-case ASCII, or the value is not Latin-1.</exception>
    public static void WriteHeader(string name, string value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        if (name.Length == 0 || name.AsSpan().ContainsAnyExceptInRange('\0', '\u007f') || name.AsSpan().ContainsAnyInRange('A', 'Z'))
        {
            throw new ArgumentException($"HTTP/2 header name '{name}' is not lower-case ASCII.", nameof(name));
        }

        if (value.AsSpan().ContainsAnyExceptInRange('\0', '\u00ff'))
        {
            throw new ArgumentException($"Value of HTTP/2 header '{name}' is not Latin-1.", nameof(value));
        }

        var index = HPackStaticTable.IndexOfName(name);
        var maxLength = MaxIntegerLength + (long)value.Length + (index > 0 ? MaxIntegerLength : 1 + MaxIntegerLength + name.Length);
        var span = output.GetSpan(checked((int)maxLength));
        int written;
        if (index > 0)
        {
            // 0000xxxx: literal without indexing, indexed name.
            written = WriteInteger(span, index, 4, 0x00);
        }
        else
        {
            // 00000000: literal without indexing, new name.
            span[0] = 0x00;
            written = 1 + WriteString(span[1..], name);
        }

        written += WriteString(span[written..], value);
        output.Advance(written);
    }

    /// <summary>
    /// Appends <c>:status</c>: an indexed field when the status is in the static table (200, 204, 206, 304, 400, 404,
    /// 500), otherwise a literal without indexing naming static index 8.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is not a three-digit code.</exception>
    public static void WriteStatus(int status, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 999);
        int index = status switch
        {
            200 => 8,
            204 => 9,
            206 => 10,
            304 => 11,
            400 => 12,
            404 => 13,
            500 => 14,
            _ => 0,
        };
        if (index != 0)
        {
            // 1xxxxxxx: indexed header field.
            var indexed = output.GetSpan(1);
            indexed[0] = (byte)(0x80 | index);
            output.Advance(1);
            return;
        }

        // 0000 1000 (literal without indexing, name :status = static index 8), length 3, three digits.
        var span = output.GetSpan(5);
        span[0] = 0x08;
        span[1] = 3;
        span[2] = (byte)('0' + (status / 100));
        span[3] = (byte)('0' + (status / 10 % 10));
        span[4] = (byte)('0' + (status % 10));
        output.Advance(5);
    }

    /// <summary>Writes a raw string literal (H = 0, section 5.2) of Latin-1 <paramref name="text"/>.</summary>
    private static int WriteString(Span<byte> destination, string text)
    {
        var written = WriteInteger(destination, text.Length, 7, 0x00);
        written += Encoding.Latin1.GetBytes(text, destination[written..]);
        return written;
    }

    /// <summary>Writes <paramref name="value"/> with an N-bit prefix (section 5.1); <paramref name="pattern"/> holds the bits above the prefix.</summary>
    private static int WriteInteger(Span<byte> destination, int value, int prefixBits, byte pattern)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            destination[0] = (byte)(pattern | value);
            return 1;
        }

        destination[0] = (byte)(pattern | max);
        var written = 1;
        var rest = (uint)(value - max);
        while (rest >= 0x80)
        {
            destination[written++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        destination[written++] = (byte)rest;
        return written;
    }
}
