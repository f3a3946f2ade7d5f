using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace DurableAgents.Hosting.Http2;

/// <summary>
/// A malformed HPACK header block. The HTTP/2 layer maps it to a COMPRESSION_ERROR connection error
/// (RFC 7540 section 4.3): the decoder's dynamic table can no longer be trusted after one.
/// </summary>
internal sealed class HPackException(string message) : Exception(message);

/// <summary>
/// Decodes HPACK header blocks (RFC 7541) on the receiving side of one HTTP/2 connection: the static table, the
/// dynamic table (which persists from one block to the next), the four field representations, dynamic table size
/// updates, and Huffman-coded string literals.
/// </summary>
/// <remarks>
/// Names and values are decoded as Latin-1. Fields taken from the static table, and literal names that equal a
/// static-table name, come back as the static table's string instances; fields taken from the dynamic table come back
/// as the instances stored there, so a block made only of indexed fields allocates nothing. One instance per
/// connection, used by one reader at a time: it is not thread-safe.
/// </remarks>
internal sealed class HPackDecoder
{
    private const int EntryOverhead = 32; // RFC 7541 section 4.1, RFC 7540 section 6.5.2

    private readonly int _maxAllowedTableSize;
    private readonly int _maxHeaderListSize;
    private int _maxTableSize;

    // The dynamic table: a ring buffer, oldest entry at _first, newest at _first + _count - 1 (mod length).
    private KeyValuePair<string, string>[] _entries = [];
    private int _first;
    private int _count;
    private int _size;

    private byte[] _huffmanBuffer = [];

    /// <param name="maxDynamicTableSize">The SETTINGS_HEADER_TABLE_SIZE we advertise: the largest dynamic table the peer may use.</param>
    /// <param name="maxHeaderListSize">
    /// The limit on one decoded header list: the sum over its fields of name length + value length + 32
    /// (RFC 7540 section 6.5.2). A block over it fails with <see cref="HPackException"/>.
    /// </param>
    public HPackDecoder(int maxDynamicTableSize = 4096, int maxHeaderListSize = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDynamicTableSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaderListSize);
        _maxAllowedTableSize = maxDynamicTableSize;
        _maxTableSize = maxDynamicTableSize;
        _maxHeaderListSize = maxHeaderListSize;
    }

    /// <summary>The current size of the dynamic table in octets (RFC 7541 section 4.1).</summary>
    internal int DynamicTableSize => _size;

    /// <summary>The number of entries in the dynamic table.</summary>
    internal int DynamicTableCount => _count;

    /// <summary>The current maximum size of the dynamic table: the advertised one until the peer sends a size update.</summary>
    internal int DynamicTableMaxSize => _maxTableSize;

    /// <summary>The dynamic table entry at <paramref name="index"/>, 1 being the newest (HPACK index 61 + <paramref name="index"/>).</summary>
    internal KeyValuePair<string, string> GetDynamicEntry(int index)
    {
        if ((uint)(index - 1) >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return _entries[Slot(index)];
    }

    /// <summary>
    /// Decodes one complete header block (HEADERS and CONTINUATION fragments concatenated, padding and priority
    /// removed) and appends its fields, in order, to <paramref name="headers"/>.
    /// </summary>
    /// <exception cref="HPackException">The block is malformed, or its header list is over the limit.</exception>
    public void Decode(ReadOnlySpan<byte> block, List<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        long listSize = 0;
        var fieldSeen = false;
        var pos = 0;
        while (pos < block.Length)
        {
            var first = block[pos];
            KeyValuePair<string, string> field;
            if ((first & 0x80) != 0)
            {
                // Indexed header field (section 6.1): 1xxxxxxx.
                field = GetIndexed(ReadInteger(block, ref pos, 7));
                CountField(ref listSize, field.Key.Length, field.Value.Length);
            }
            else if ((first & 0x40) != 0)
            {
                // Literal header field with incremental indexing (section 6.2.1): 01xxxxxx.
                field = ReadLiteral(block, ref pos, 6, ref listSize);
                Insert(field);
            }
            else if ((first & 0x20) != 0)
            {
                // Dynamic table size update (section 6.3): 001xxxxx, only at the start of a block (section 4.2).
                if (fieldSeen)
                {
                    throw new HPackException("Dynamic table size update after a header field.");
                }

                var size = ReadInteger(block, ref pos, 5);
                if (size > _maxAllowedTableSize)
                {
                    throw new HPackException($"Dynamic table size update to {size} is above the advertised maximum {_maxAllowedTableSize}.");
                }

                _maxTableSize = size;
                EvictTo(size);
                continue;
            }
            else
            {
                // Literal header field without indexing (0000xxxx, section 6.2.2) or never indexed (0001xxxx, 6.2.3).
                field = ReadLiteral(block, ref pos, 4, ref listSize);
            }

            fieldSeen = true;
            headers.Add(field);
        }
    }

    private KeyValuePair<string, string> GetIndexed(int index)
    {
        if (index == 0)
        {
            throw new HPackException("Header field index 0.");
        }

        if (index <= HPackStaticTable.Count)
        {
            return HPackStaticTable.Entries[index - 1];
        }

        var dynamicIndex = index - HPackStaticTable.Count;
        if (dynamicIndex > _count)
        {
            throw new HPackException($"Header field index {index} is beyond the static and dynamic tables.");
        }

        return _entries[Slot(dynamicIndex)];
    }

    private KeyValuePair<string, string> ReadLiteral(ReadOnlySpan<byte> block, ref int pos, int prefixBits, ref long listSize)
    {
        var index = ReadInteger(block, ref pos, prefixBits);
        string name;
        if (index == 0)
        {
            var nameBytes = ReadString(block, ref pos);
            CheckListSize(listSize + nameBytes.Length + EntryOverhead);
            name = HPackStaticTable.FindName(nameBytes) ?? Latin1(nameBytes);
        }
        else
        {
            name = GetIndexed(index).Key;
        }

        var valueBytes = ReadString(block, ref pos);
        CountField(ref listSize, name.Length, valueBytes.Length);
        return new KeyValuePair<string, string>(name, Latin1(valueBytes));
    }

    private void CountField(ref long listSize, int nameLength, int valueLength)
    {
        listSize += (long)nameLength + valueLength + EntryOverhead;
        CheckListSize(listSize);
    }

    private void CheckListSize(long listSize)
    {
        if (listSize > _maxHeaderListSize)
        {
            throw new HPackException($"Header list larger than {_maxHeaderListSize} octets.");
        }
    }

    /// <summary>Reads a string literal (section 5.2); a Huffman-coded one is decoded into a buffer reused by the next call.</summary>
    private ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, ref int pos)
    {
        if (pos >= block.Length)
        {
            ThrowTruncated();
        }

        var huffman = (block[pos] & 0x80) != 0;
        var length = ReadInteger(block, ref pos, 7);
        if (length > block.Length - pos)
        {
            ThrowTruncated();
        }

        var raw = block.Slice(pos, length);
        pos += length;
        if (!huffman)
        {
            return raw;
        }

        var max = HPackHuffman.MaxDecodedLength(length);
        if (_huffmanBuffer.Length < max)
        {
            _huffmanBuffer = new byte[Math.Max(max, Math.Max(128, Math.Min(2 * _huffmanBuffer.Length, Array.MaxLength)))];
        }

        var written = HPackHuffman.Decode(raw, _huffmanBuffer);
        return _huffmanBuffer.AsSpan(0, written);
    }

    /// <summary>Reads an integer with an N-bit prefix (section 5.1) starting at <paramref name="pos"/>, which must be inside the block.</summary>
    private static int ReadInteger(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        var mask = (1 << prefixBits) - 1;
        var value = block[pos++] & mask;
        if (value < mask)
        {
            return value;
        }

        long result = value;
        for (var shift = 0; ; shift += 7)
        {
            if (pos >= block.Length)
            {
                ThrowTruncated();
            }

            if (shift > 28)
            {
                throw new HPackException("Integer with too many continuation octets.");
            }

            var octet = block[pos++];
            result += (long)(octet & 0x7f) << shift;
            if (result > int.MaxValue)
            {
                throw new HPackException("Integer overflow.");
            }

            if ((octet & 0x80) == 0)
            {
                return (int)result;
            }
        }
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? string.Empty : Encoding.Latin1.GetString(bytes);

    [DoesNotReturn]
    private static void ThrowTruncated() => throw new HPackException("Truncated header block.");

    /// <summary>The ring slot of dynamic index <paramref name="index"/> (1 = newest, 1..<see cref="_count"/>).</summary>
    private int Slot(int index)
    {
        var slot = _first + _count - index;
        return slot >= _entries.Length ? slot - _entries.Length : slot;
    }

    /// <summary>Adds an entry, evicting from the oldest end first (section 4.4).</summary>
    private void Insert(KeyValuePair<string, string> entry)
    {
        var size = entry.Key.Length + entry.Value.Length + EntryOverhead;
        if (size > _maxTableSize)
        {
            // Not an error: the table is emptied (section 4.4).
            EvictTo(0);
            return;
        }

        EvictTo(_maxTableSize - size);
        if (_count == _entries.Length)
        {
            Grow();
        }

        var slot = _first + _count;
        if (slot >= _entries.Length)
        {
            slot -= _entries.Length;
        }

        _entries[slot] = entry;
        _count++;
        _size += size;
    }

    private void EvictTo(int maxSize)
    {
        while (_size > maxSize)
        {
            ref var oldest = ref _entries[_first];
            _size -= oldest.Key.Length + oldest.Value.Length + EntryOverhead;
            oldest = default;
            if (++_first == _entries.Length)
            {
                _first = 0;
            }

            _count--;
        }

        if (_count == 0)
        {
            _first = 0;
        }
    }

    private void Grow()
    {
        // Every entry is at least 32 octets, so the table never holds more than max / 32 of them.
        var limit = Math.Max(1, _maxAllowedTableSize / EntryOverhead);
        var grown = new KeyValuePair<string, string>[Math.Min(limit, Math.Max(8, _entries.Length * 2))];
        for (var i = 0; i < _count; i++)
        {
            var slot = _first + i;
            grown[i] = _entries[slot >= _entries.Length ? slot - _entries.Length : slot];
        }

        _entries = grown;
        _first = 0;
    }
}

/// <summary>The HPACK static table (RFC 7541 Appendix A), shared by <see cref="HPackDecoder"/> and <see cref="HPackEncoder"/>.</summary>
internal static class HPackStaticTable
{
    /// <summary>The number of static entries: indexes 1-61; the dynamic table starts at 62.</summary>
    internal const int Count = 61;

    /// <summary>The entries; <c>Entries[i - 1]</c> is static index i.</summary>
    internal static readonly KeyValuePair<string, string>[] Entries =
    [
        new(":authority", ""),                  // 1
        new(":method", "GET"),                  // 2
        new(":method", "POST"),                 // 3
        new(":path", "/"),                      // 4
        new(":path", "/index.html"),            // 5
        new(":scheme", "http"),                 // 6
        new(":scheme", "https"),                // 7
        new(":status", "200"),                  // 8
        new(":status", "204"),                  // 9
        new(":status", "206"),                  // 10
        new(":status", "304"),                  // 11
        new(":status", "400"),                  // 12
        new(":status", "404"),                  // 13
        new(":status", "500"),                  // 14
        new("accept-charset", ""),              // 15
        new("accept-encoding", "gzip, deflate"), // 16
        new("accept-language", ""),             // 17
        new("accept-ranges", ""),               // 18
        new("accept", ""),                      // 19
        new("access-control-allow-origin", ""), // 20
        new("age", ""),                         // 21
        new("allow", ""),                       // 22
        new("authorization", ""),               // 23
        new("cache-control", ""),               // 24
        new("content-disposition", ""),         // 25
        new("content-encoding", ""),            // 26
        new("content-language", ""),            // 27
        new("content-length", ""),              // 28
        new("content-location", ""),            // 29
        new("content-range", ""),               // 30
        new("content-type", ""),                // 31
        new("cookie", ""),                      // 32
        new("date", ""),                        // 33
        new("etag", ""),                        // 34
        new("expect", ""),                      // 35
        new("expires", ""),                     // 36
        new("from", ""),                        // 37
        new("host", ""),                        // 38
        new("if-match", ""),                    // 39
        new("if-modified-since", ""),           // 40
        new("if-none-match", ""),               // 41
        new("if-range", ""),                    // 42
        new("if-unmodified-since", ""),         // 43
        new("last-modified", ""),               // 44
        new("link", ""),                        // 45
        new("location", ""),                    // 46
        new("max-forwards", ""),                // 47
        new("proxy-authenticate", ""),          // 48
        new("proxy-authorization", ""),         // 49
        new("range", ""),                       // 50
        new("referer", ""),                     // 51
        new("refresh", ""),                     // 52
        new("retry-after", ""),                 // 53
        new("server", ""),                      // 54
        new("set-cookie", ""),                  // 55
        new("strict-transport-security", ""),   // 56
        new("transfer-encoding", ""),           // 57
        new("user-agent", ""),                  // 58
        new("vary", ""),                        // 59
        new("via", ""),                         // 60
        new("www-authenticate", ""),            // 61
    ];

    // Name -> first static index with that name (the encoder's lookup).
    private static readonly Dictionary<string, int> s_firstIndexByName = BuildIndexByName();

    // Name length -> the distinct static names of that length, as Latin-1 octets (the decoder's interning lookup).
    private static readonly (byte[] Octets, string Name)[][] s_namesByLength = BuildNamesByLength();

    /// <summary>The first static index whose name is <paramref name="name"/>, or 0.</summary>
    internal static int IndexOfName(string name) => s_firstIndexByName.GetValueOrDefault(name);

    /// <summary>The static table's instance of the name spelled by <paramref name="octets"/>, or null.</summary>
    internal static string? FindName(ReadOnlySpan<byte> octets)
    {
        var byLength = s_namesByLength;
        if (octets.Length >= byLength.Length)
        {
            return null;
        }

        foreach (var (candidate, name) in byLength[octets.Length])
        {
            if (octets.SequenceEqual(candidate))
            {
                return name;
            }
        }

        return null;
    }

    private static Dictionary<string, int> BuildIndexByName()
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Entries.Length; i++)
        {
            byName.TryAdd(Entries[i].Key, i + 1);
        }

        return byName;
    }

    private static (byte[] Octets, string Name)[][] BuildNamesByLength()
    {
        var maxLength = 0;
        foreach (var entry in Entries)
        {
            maxLength = Math.Max(maxLength, entry.Key.Length);
        }

        var lists = new List<(byte[] Octets, string Name)>[maxLength + 1];
        foreach (var name in s_firstIndexByName.Keys)
        {
            (lists[name.Length] ??= []).Add((Encoding.Latin1.GetBytes(name), name));
        }

        var result = new (byte[] Octets, string Name)[maxLength + 1][];
        for (var length = 0; length <= maxLength; length++)
        {
            result[length] = lists[length]?.ToArray() ?? [];
        }

        return result;
    }
}
