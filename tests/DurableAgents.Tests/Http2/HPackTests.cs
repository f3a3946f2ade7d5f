using System.Buffers;
using DurableAgents.Hosting.Http2;

namespace DurableAgents.Tests.Http2;

/// <summary>
/// HPACK (RFC 7541): the examples of Appendix C, the Huffman table of Appendix B, malformed blocks, and the encoder.
/// </summary>
public sealed class HPackTests
{
    private static readonly KeyValuePair<string, string>[] Request1 =
    [
        F(":method", "GET"),
        F(":scheme", "http"),
        F(":path", "/"),
        F(":authority", "www.example.com"),
    ];

    private static readonly KeyValuePair<string, string>[] Request2 = [.. Request1, F("cache-control", "no-cache")];

    private static readonly KeyValuePair<string, string>[] Request3 =
    [
        F(":method", "GET"),
        F(":scheme", "https"),
        F(":path", "/index.html"),
        F(":authority", "www.example.com"),
        F("custom-key", "custom-value"),
    ];

    private const string Date21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Location = "https://www.example.com";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static readonly KeyValuePair<string, string>[] Response1 =
    [
        F(":status", "302"),
        F("cache-control", "private"),
        F("date", Date21),
        F("location", Location),
    ];

    private static readonly KeyValuePair<string, string>[] Response2 =
    [
        F(":status", "307"),
        F("cache-control", "private"),
        F("date", Date21),
        F("location", Location),
    ];

    private static readonly KeyValuePair<string, string>[] Response3 =
    [
        F(":status", "200"),
        F("cache-control", "private"),
        F("date", Date22),
        F("location", Location),
        F("content-encoding", "gzip"),
        F("set-cookie", Cookie),
    ];

    // ---- RFC 7541 C.2: one field of each representation, each on a fresh decoder ----

    [Test]
    public void C2_1_literal_with_indexing_adds_to_the_dynamic_table()
    {
        var decoder = new HPackDecoder();
        var headers = Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        Assert.That(headers, Is.EqualTo(new[] { F("custom-key", "custom-header") }));
        AssertTable(decoder, 55, F("custom-key", "custom-header"));
    }

    [Test]
    public void C2_2_literal_without_indexing_leaves_the_dynamic_table_alone()
    {
        var decoder = new HPackDecoder();
        var headers = Decode(decoder, "040c 2f73 616d 706c 652f 7061 7468");
        Assert.That(headers, Is.EqualTo(new[] { F(":path", "/sample/path") }));
        AssertTable(decoder, 0);
    }

    [Test]
    public void C2_3_literal_never_indexed_leaves_the_dynamic_table_alone()
    {
        var decoder = new HPackDecoder();
        var headers = Decode(decoder, "1008 7061 7373 776f 7264 0673 6563 7265 74");
        Assert.That(headers, Is.EqualTo(new[] { F("password", "secret") }));
        AssertTable(decoder, 0);
    }

    [Test]
    public void C2_4_indexed_field_from_the_static_table()
    {
        var decoder = new HPackDecoder();
        var headers = Decode(decoder, "82");
        Assert.That(headers, Is.EqualTo(new[] { F(":method", "GET") }));
        AssertTable(decoder, 0);
    }

    // ---- RFC 7541 C.3 - C.6: consecutive blocks on one connection ----

    [Test]
    public void C3_requests_without_Huffman_share_the_dynamic_table()
    {
        var decoder = new HPackDecoder();

        Assert.That(Decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"), Is.EqualTo(Request1));
        AssertTable(decoder, 57, F(":authority", "www.example.com"));

        Assert.That(Decode(decoder, "8286 84be 5808 6e6f 2d63 6163 6865"), Is.EqualTo(Request2));
        AssertTable(decoder, 110, F("cache-control", "no-cache"), F(":authority", "www.example.com"));

        Assert.That(Decode(decoder, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"), Is.EqualTo(Request3));
        AssertTable(decoder, 164, F("custom-key", "custom-value"), F("cache-control", "no-cache"), F(":authority", "www.example.com"));
    }

    [Test]
    public void C4_requests_with_Huffman_share_the_dynamic_table()
    {
        var decoder = new HPackDecoder();

        Assert.That(Decode(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"), Is.EqualTo(Request1));
        AssertTable(decoder, 57, F(":authority", "www.example.com"));

        Assert.That(Decode(decoder, "8286 84be 5886 a8eb 1064 9cbf"), Is.EqualTo(Request2));
        AssertTable(decoder, 110, F("cache-control", "no-cache"), F(":authority", "www.example.com"));

        Assert.That(Decode(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"), Is.EqualTo(Request3));
        AssertTable(decoder, 164, F("custom-key", "custom-value"), F("cache-control", "no-cache"), F(":authority", "www.example.com"));
    }

    private const string C5Response1 =
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 " +
        "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 " +
        "6c65 2e63 6f6d";

    private const string C5Response2 = "4803 3330 37c1 c0bf";

    private const string C5Response3 =
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d " +
        "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 " +
        "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e " +
        "3d31";

    private const string C6Response1 =
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 " +
        "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3";

    private const string C6Response2 = "4883 640e ffc1 c0bf";

    private const string C6Response3 =
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab " +
        "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f " +
        "9587 3160 65c0 03ed 4ee5 b106 3d50 07";

    // C.5 and C.6 assume SETTINGS_HEADER_TABLE_SIZE = 256, so the decoder advertises 256.
    [Test]
    public void C5_responses_without_Huffman_evict_from_a_256_octet_table()
    {
        AssertResponses(new HPackDecoder(maxDynamicTableSize: 256), C5Response1, C5Response2, C5Response3);
    }

    [Test]
    public void C6_responses_with_Huffman_evict_from_a_256_octet_table()
    {
        AssertResponses(new HPackDecoder(maxDynamicTableSize: 256), C6Response1, C6Response2, C6Response3);
    }

    [Test]
    public void C5_after_the_encoder_shrinks_a_4096_octet_table_to_256_with_a_size_update()
    {
        // 001 11111 + 225 (0xe1 0x01): size update to 256 at the start of the first block.
        var decoder = new HPackDecoder();
        Assert.That(decoder.DynamicTableMaxSize, Is.EqualTo(4096));
        AssertResponses(decoder, "3fe101 " + C5Response1, C5Response2, C5Response3);
        Assert.That(decoder.DynamicTableMaxSize, Is.EqualTo(256));
    }

    private static void AssertResponses(HPackDecoder decoder, string first, string second, string third)
    {
        Assert.That(Decode(decoder, first), Is.EqualTo(Response1));
        AssertTable(decoder, 222, F("location", Location), F("date", Date21), F("cache-control", "private"), F(":status", "302"));

        // (":status", "302") is evicted to make room for (":status", "307").
        Assert.That(Decode(decoder, second), Is.EqualTo(Response2));
        AssertTable(decoder, 222, F(":status", "307"), F("location", Location), F("date", Date21), F("cache-control", "private"));

        // Several evictions, one of them of an entry the block had just read (cache-control: private).
        Assert.That(Decode(decoder, third), Is.EqualTo(Response3));
        AssertTable(decoder, 215, F("set-cookie", Cookie), F("content-encoding", "gzip"), F("date", Date22));
    }

    // ---- dynamic table behaviour beyond Appendix C ----

    [Test]
    public void The_ring_buffer_keeps_the_newest_entries_in_order_across_wrap_around()
    {
        // Entries "a: 0" .. "a: 9" are 34 octets each; a 102-octet table holds the three newest.
        var decoder = new HPackDecoder(maxDynamicTableSize: 102);
        for (var i = 0; i < 10; i++)
        {
            var value = ((char)('0' + i)).ToString();
            Assert.That(Decode(decoder, $"4001 6101 {(byte)('0' + i):x2}"), Is.EqualTo(new[] { F("a", value) }));
            var expected = Enumerable.Range(0, Math.Min(i + 1, 3)).Select(k => F("a", ((char)('0' + i - k)).ToString())).ToArray();
            AssertTable(decoder, 34 * expected.Length, expected);
        }

        Assert.That(Decode(decoder, "be bf c0"), Is.EqualTo(new[] { F("a", "9"), F("a", "8"), F("a", "7") }));
        Assert.Throws<HPackException>(() => Decode(decoder, "c1"));
    }

    [Test]
    public void An_entry_larger_than_the_table_empties_it_and_is_still_emitted()
    {
        var decoder = new HPackDecoder(maxDynamicTableSize: 64);
        Decode(decoder, "4001 6101 30");
        AssertTable(decoder, 34, F("a", "0"));

        // 1 + 31 + 32 = 64: fits exactly, after evicting "a: 0".
        var fits = new string('x', 31);
        Assert.That(Decode(decoder, "4001 611f " + Convert.ToHexString("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"u8)), Is.EqualTo(new[] { F("a", fits) }));
        AssertTable(decoder, 64, F("a", fits));

        // 1 + 32 + 32 = 65 > 64: the table is emptied.
        var tooBig = new string('x', 32);
        Assert.That(Decode(decoder, "4001 6120 " + Convert.ToHexString("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"u8)), Is.EqualTo(new[] { F("a", tooBig) }));
        AssertTable(decoder, 0);
    }

    [Test]
    public void Size_updates_at_the_start_of_a_block_evict_and_can_raise_the_size_again()
    {
        var decoder = new HPackDecoder();
        Decode(decoder, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
        AssertTable(decoder, 57, F(":authority", "www.example.com"));

        // Two updates in a row (0, then 4096), then a field: the first one emptied the table.
        Assert.That(Decode(decoder, "20 3fe11f 82"), Is.EqualTo(new[] { F(":method", "GET") }));
        AssertTable(decoder, 0);
        Assert.That(decoder.DynamicTableMaxSize, Is.EqualTo(4096));
        Assert.Throws<HPackException>(() => Decode(decoder, "be"));

        Decode(decoder, "4001 6101 30");
        AssertTable(decoder, 34, F("a", "0"));
    }

    [Test]
    public void Static_names_come_back_as_the_static_table_instances()
    {
        var decoder = new HPackDecoder();
        var literal = "content-type"u8.ToArray();
        var headers = Decode(
            decoder,
            "82 040c 2f73 616d 706c 652f 7061 7468 " + // :method GET; :path (static name 4) /sample/path
            $"000c {Convert.ToHexString(literal)} 00 " + // content-type spelled as a literal name, empty value
            "000b 637573746f6d2d6e616d65 00"); // custom-name: not a static name

        Assert.That(headers[0].Key, Is.SameAs(HPackStaticTable.Entries[1].Key));
        Assert.That(headers[0].Value, Is.SameAs(HPackStaticTable.Entries[1].Value));
        Assert.That(headers[1].Key, Is.SameAs(HPackStaticTable.Entries[3].Key));
        Assert.That(headers[2].Key, Is.SameAs(HPackStaticTable.Entries[30].Key));
        Assert.That(headers[2].Value, Is.SameAs(string.Empty));
        Assert.That(headers[3].Key, Is.EqualTo("custom-name"));

        // Fields indexed from the dynamic table come back as the stored instances.
        Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        var first = Decode(decoder, "be")[0];
        var second = Decode(decoder, "be")[0];
        Assert.That(second.Key, Is.SameAs(first.Key));
        Assert.That(second.Value, Is.SameAs(first.Value));
    }

    [Test]
    public void A_block_of_indexed_fields_allocates_nothing()
    {
        var decoder = new HPackDecoder();
        Decode(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff");
        Decode(decoder, "8286 84be 5886 a8eb 1064 9cbf");
        Decode(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");

        // Static 2, 7, 5 and dynamic 64 (:authority), 62 (custom-key), 63 (cache-control).
        var block = Hex("8287 85c0 bebf");
        var headers = new List<KeyValuePair<string, string>>(16);
        decoder.Decode(block, headers);
        headers.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        decoder.Decode(block, headers);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(headers, Is.EqualTo(new[]
        {
            F(":method", "GET"), F(":scheme", "https"), F(":path", "/index.html"),
            F(":authority", "www.example.com"), F("custom-key", "custom-value"), F("cache-control", "no-cache"),
        }));
    }

    [Test]
    public void The_static_table_has_61_entries_matching_Appendix_A_spot_checks()
    {
        Assert.That(HPackStaticTable.Entries, Has.Length.EqualTo(61));
        Assert.That(HPackStaticTable.Entries[0], Is.EqualTo(F(":authority", "")));
        Assert.That(HPackStaticTable.Entries[15], Is.EqualTo(F("accept-encoding", "gzip, deflate")));
        Assert.That(HPackStaticTable.Entries[23], Is.EqualTo(F("cache-control", "")));
        Assert.That(HPackStaticTable.Entries[54], Is.EqualTo(F("set-cookie", "")));
        Assert.That(HPackStaticTable.Entries[60], Is.EqualTo(F("www-authenticate", "")));
        Assert.That(HPackStaticTable.IndexOfName(":status"), Is.EqualTo(8));
        Assert.That(HPackStaticTable.IndexOfName("content-type"), Is.EqualTo(31));
        Assert.That(HPackStaticTable.IndexOfName("x-restate-server"), Is.Zero);
    }

    // ---- the Huffman code (Appendix B) ----

    [Test]
    public void The_Huffman_table_is_a_complete_prefix_code()
    {
        var codes = HPackHuffman.Codes;
        Assert.That(codes.Length, Is.EqualTo(257));

        // Kraft: the sum over symbols of 2^-length is exactly 1 (in units of 2^-30).
        long kraft = 0;
        for (var symbol = 0; symbol < codes.Length; symbol++)
        {
            var (code, length) = codes[symbol];
            Assert.That((int)length, Is.InRange(5, 30), $"symbol {symbol}");
            Assert.That(code >> length, Is.Zero, $"symbol {symbol}");
            kraft += 1L << (30 - length);
        }

        Assert.That(kraft, Is.EqualTo(1L << 30));
        Assert.That(codes[HPackHuffman.Eos], Is.EqualTo((0x3fffffffu, (byte)30)));

        // No code is a prefix of another (with Kraft == 1 that makes the code complete).
        var sorted = Enumerable.Range(0, codes.Length).Select(s => (ulong)HPackHuffman.Codes[s].Code << (64 - HPackHuffman.Codes[s].Length)).ToArray();
        var lengths = Enumerable.Range(0, codes.Length).Select(s => (int)HPackHuffman.Codes[s].Length).ToArray();
        Array.Sort(sorted, lengths);
        for (var i = 1; i < sorted.Length; i++)
        {
            var mask = ulong.MaxValue << (64 - lengths[i - 1]);
            Assert.That(sorted[i] & mask, Is.Not.EqualTo(sorted[i - 1]), $"code #{i - 1} in order is a prefix of the next");
        }
    }

    [Test]
    public void The_Huffman_table_is_the_canonical_code_of_its_lengths()
    {
        // Appendix B is a canonical Huffman code: ordered by (length, symbol), each code is the previous one plus one,
        // shifted left by the growth in length. A mistyped code or length breaks the sequence.
        var codes = HPackHuffman.Codes;
        var order = Enumerable.Range(0, codes.Length).OrderBy(s => HPackHuffman.Codes[s].Length).ThenBy(s => s).ToArray();
        uint expected = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0)
            {
                expected = (expected + 1) << (codes[order[i]].Length - codes[order[i - 1]].Length);
            }

            Assert.That(codes[order[i]].Code, Is.EqualTo(expected), $"symbol {order[i]}");
        }
    }

    [Test]
    public void Every_octet_round_trips_through_the_Huffman_code()
    {
        for (var octet = 0; octet < 256; octet++)
        {
            var encoded = HuffmanEncode([(byte)octet]);
            Assert.That(HuffmanDecode(encoded), Is.EqualTo(new[] { (byte)octet }), $"octet {octet}");
        }

        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.That(HuffmanDecode(HuffmanEncode(all)), Is.EqualTo(all));
        var reversed = all.Reverse().ToArray();
        Assert.That(HuffmanDecode(HuffmanEncode(reversed)), Is.EqualTo(reversed));
        Assert.That(HuffmanDecode([]), Is.Empty);

        // Through the decoder as Huffman-coded literal values (Latin-1), covering every padding length 0-7.
        var decoder = new HPackDecoder();
        var paddings = new HashSet<int>();
        for (var length = 1; length <= 40; length++)
        {
            var value = Enumerable.Range(length * 37, length).Select(i => (byte)i).ToArray();
            var encoded = HuffmanEncode(value);
            paddings.Add((encoded.Length * 8) - value.Sum(b => HPackHuffman.Codes[b].Length));
            // Literal without indexing, name "a", Huffman value (H = 1, 7-bit length prefix: 0xff + rest past 127).
            var prefix = encoded.Length < 0x7f
                ? new byte[] { 0x00, 0x01, (byte)'a', (byte)(0x80 | encoded.Length) }
                : [0x00, 0x01, (byte)'a', 0xff, (byte)(encoded.Length - 0x7f)];
            var block = prefix.Concat(encoded).ToArray();

            var headers = new List<KeyValuePair<string, string>>();
            decoder.Decode(block, headers);
            Assert.That(headers, Is.EqualTo(new[] { F("a", new string(value.Select(b => (char)b).ToArray())) }), $"length {length}");
        }

        Assert.That(paddings, Is.EquivalentTo(Enumerable.Range(0, 8)));
    }

    [Test]
    public void The_test_encoder_reproduces_the_Huffman_strings_of_Appendix_C()
    {
        Assert.That(Convert.ToHexString(HuffmanEncode("www.example.com"u8.ToArray())), Is.EqualTo("F1E3C2E5F23A6BA0AB90F4FF"));
        Assert.That(Convert.ToHexString(HuffmanEncode("no-cache"u8.ToArray())), Is.EqualTo("A8EB10649CBF"));
        Assert.That(Convert.ToHexString(HuffmanEncode("custom-key"u8.ToArray())), Is.EqualTo("25A849E95BA97D7F"));
        Assert.That(Convert.ToHexString(HuffmanEncode("custom-value"u8.ToArray())), Is.EqualTo("25A849E95BB8E8B4BF"));
        Assert.That(Convert.ToHexString(HuffmanEncode("307"u8.ToArray())), Is.EqualTo("640EFF"));
    }

    // ---- malformed blocks ----

    [TestCase("ff", TestName = "Truncated integer: prefix all ones, no continuation")]
    [TestCase("ff80", TestName = "Truncated integer: continuation flag on the last octet")]
    [TestCase("3f", TestName = "Truncated integer: size update")]
    [TestCase("ffffffffff0f", TestName = "Integer above int.MaxValue")]
    [TestCase("ff808080808000", TestName = "Integer with six continuation octets")]
    [TestCase("0005 6162", TestName = "Truncated string: literal name")]
    [TestCase("04", TestName = "Truncated string: missing value")]
    [TestCase("040c 2f73 616d", TestName = "Truncated string: value shorter than its length")]
    [TestCase("0485 ff", TestName = "Truncated string: Huffman value")]
    [TestCase("80", TestName = "Index 0")]
    [TestCase("be", TestName = "Index beyond the static table with an empty dynamic table")]
    [TestCase("ff0f", TestName = "Index far beyond the tables")]
    [TestCase("0f2f 00", TestName = "Literal name index beyond the tables")]
    [TestCase("0001 6184 ffff ffff", TestName = "Huffman string that is the EOS symbol")]
    [TestCase("0001 6185 1fff ffff ff", TestName = "Huffman string with EOS after a symbol")]
    [TestCase("0001 6182 1fff", TestName = "Huffman padding of 11 bits")]
    [TestCase("0001 6181 ff", TestName = "Huffman padding of 8 bits")]
    [TestCase("0001 6181 18", TestName = "Huffman padding that is not all ones")]
    [TestCase("3fe21f", TestName = "Size update to 4097 above the advertised 4096")]
    [TestCase("82 20", TestName = "Size update after a field")]
    [TestCase("20 82 20", TestName = "Size update after a field that followed a size update")]
    public void A_malformed_block_throws(string hex)
    {
        Assert.Throws<HPackException>(() => Decode(new HPackDecoder(), hex));
    }

    [Test]
    public void The_limits_of_the_error_cases_are_accepted()
    {
        Assert.That(Decode(new HPackDecoder(), "3fe11f"), Is.Empty); // size update to exactly 4096
        Assert.That(Decode(new HPackDecoder(), "20 3fe11f 82"), Has.Count.EqualTo(1)); // several updates, then a field
        Assert.That(Decode(new HPackDecoder(), "0001 6181 1f"), Is.EqualTo(new[] { F("a", "a") })); // 3 bits of padding
        Assert.That(Decode(new HPackDecoder(), "0001 6180"), Is.EqualTo(new[] { F("a", "") })); // empty Huffman string
        Assert.That(Decode(new HPackDecoder(), "0f80808080 00 00"), Is.EqualTo(new[] { F("accept-charset", "") })); // index 15 with five continuation octets
    }

    [Test]
    public void A_header_list_over_the_limit_throws()
    {
        // C.3.1 is 42 + 43 + 38 + 57 = 180 octets by the RFC 7540 6.5.2 count.
        const string block = "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
        Assert.That(Decode(new HPackDecoder(maxHeaderListSize: 180), block), Has.Count.EqualTo(4));
        Assert.Throws<HPackException>(() => Decode(new HPackDecoder(maxHeaderListSize: 179), block));
        Assert.Throws<HPackException>(() => Decode(new HPackDecoder(maxHeaderListSize: 100), "82 86 84"));

        // A long literal is refused on its size, whatever its representation.
        var value = Convert.ToHexString(new byte[200]);
        Assert.Throws<HPackException>(() => Decode(new HPackDecoder(maxHeaderListSize: 200), "0001 61 7f49 " + value));
    }

    // ---- the encoder ----

    [Test]
    public void WriteStatus_200_is_the_single_octet_0x88()
    {
        var buffer = new ArrayBufferWriter<byte>();
        HPackEncoder.WriteStatus(200, buffer);
        Assert.That(buffer.WrittenSpan.ToArray(), Is.EqualTo(new byte[] { 0x88 }));
    }

    [Test]
    public void WriteStatus_415_is_a_literal_without_indexing_on_static_name_8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        HPackEncoder.WriteStatus(415, buffer);
        Assert.That(Convert.ToHexString(buffer.WrittenSpan), Is.EqualTo("0803343135"));
    }

    [TestCase(200)]
    [TestCase(204)]
    [TestCase(206)]
    [TestCase(304)]
    [TestCase(400)]
    [TestCase(404)]
    [TestCase(415)]
    [TestCase(500)]
    [TestCase(100)]
    [TestCase(503)]
    [TestCase(999)]
    public void WriteStatus_decodes_back(int status)
    {
        var buffer = new ArrayBufferWriter<byte>();
        HPackEncoder.WriteStatus(status, buffer);
        var decoder = new HPackDecoder();
        var headers = new List<KeyValuePair<string, string>>();
        decoder.Decode(buffer.WrittenSpan, headers);
        Assert.That(headers, Is.EqualTo(new[] { F(":status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)) }));
        Assert.That(headers[0].Key, Is.SameAs(HPackStaticTable.Entries[7].Key));
        Assert.That(decoder.DynamicTableCount, Is.Zero);
    }

    [TestCase(99)]
    [TestCase(1000)]
    public void WriteStatus_refuses_a_status_that_is_not_three_digits(int status)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HPackEncoder.WriteStatus(status, new ArrayBufferWriter<byte>()));
    }

    [Test]
    public void WriteHeader_exact_bytes()
    {
        // Static name 31 with a 4-bit prefix: 0x0f then 31 - 15 = 16.
        Assert.That(Encode("content-type", "application/json"), Is.EqualTo("0F10" + "10" + Convert.ToHexString("application/json"u8)));
        Assert.That(Encode("content-length", "5"), Is.EqualTo("0F0D" + "0135"));
        Assert.That(Encode(":path", "/x"), Is.EqualTo("04" + "022F78"));
        Assert.That(Encode("www-authenticate", ""), Is.EqualTo("0F2E" + "00"));
        Assert.That(Encode("custom-name", "v"), Is.EqualTo("000B" + Convert.ToHexString("custom-name"u8) + "0176"));
    }

    [Test]
    public void WriteHeader_decodes_back()
    {
        var longValue = new string('v', 300); // length 300: 0x7f then continuation octets
        var fields = new[]
        {
            F("content-type", "application/proto"),
            F("x-restate-server", "restate-sdk-dotnet/0.1.0"),
            F("custom-name", "custom-value"),
            F("content-length", "0"),
            F("www-authenticate", ""),
            F(":status", "200"),
            F("x-long", longValue),
            F("x-latin1", "caf\u00e9 \u00ff"),
            F("a-name-longer-than-one-hundred-and-twenty-seven-characters-" + new string('n', 80), "1"),
        };

        var buffer = new ArrayBufferWriter<byte>();
        HPackEncoder.WriteStatus(404, buffer);
        foreach (var (name, value) in fields)
        {
            HPackEncoder.WriteHeader(name, value, buffer);
        }

        var decoder = new HPackDecoder();
        var headers = new List<KeyValuePair<string, string>>();
        decoder.Decode(buffer.WrittenSpan, headers);
        Assert.That(headers, Is.EqualTo(new[] { F(":status", "404") }.Concat(fields)));
        Assert.That(decoder.DynamicTableCount, Is.Zero);
        Assert.That(headers[1].Key, Is.SameAs(HPackStaticTable.Entries[30].Key));
    }

    [Test]
    public void WriteHeader_refuses_names_that_are_not_lower_case_ASCII_and_values_that_are_not_Latin1()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => HPackEncoder.WriteHeader("Content-Type", "x", buffer));
        Assert.Throws<ArgumentException>(() => HPackEncoder.WriteHeader("", "x", buffer));
        Assert.Throws<ArgumentException>(() => HPackEncoder.WriteHeader("caf\u00e9", "x", buffer));
        Assert.Throws<ArgumentException>(() => HPackEncoder.WriteHeader("x", "\u0100", buffer));
        Assert.That(buffer.WrittenCount, Is.Zero);
    }

    // ---- helpers ----

    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static List<KeyValuePair<string, string>> Decode(HPackDecoder decoder, string hex)
    {
        var headers = new List<KeyValuePair<string, string>>();
        decoder.Decode(Hex(hex), headers);
        return headers;
    }

    private static string Encode(string name, string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        HPackEncoder.WriteHeader(name, value, buffer);
        return Convert.ToHexString(buffer.WrittenSpan);
    }

    /// <summary>The dynamic table, newest first, and its size, as RFC 7541 Appendix C prints them.</summary>
    private static void AssertTable(HPackDecoder decoder, int size, params KeyValuePair<string, string>[] entries)
    {
        var actual = Enumerable.Range(1, decoder.DynamicTableCount).Select(decoder.GetDynamicEntry).ToArray();
        Assert.That(actual, Is.EqualTo(entries));
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(size));
    }

    private static byte[] HuffmanDecode(byte[] encoded)
    {
        var buffer = new byte[HPackHuffman.MaxDecodedLength(encoded.Length)];
        var written = HPackHuffman.Decode(encoded, buffer);
        return buffer[..written];
    }

    /// <summary>A test-only Huffman encoder over the same table: codes MSB first, padded with the high bits of EOS (ones).</summary>
    private static byte[] HuffmanEncode(byte[] text)
    {
        var codes = HPackHuffman.Codes;
        var output = new List<byte>();
        ulong pending = 0;
        var bits = 0;
        foreach (var octet in text)
        {
            var (code, length) = codes[octet];
            pending = (pending << length) | code;
            bits += length;
            while (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(pending >> bits));
            }
        }

        if (bits > 0)
        {
            output.Add((byte)((pending << (8 - bits)) | (0xffu >> bits)));
        }

        return [.. output];
    }
}
