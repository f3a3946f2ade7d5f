using System.Buffers;
using DurableAgents.Hosting;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;

namespace DurableAgents.Tests.EdgeHardening;

/// <summary>What Restate does: an h2c <c>POST /invoke</c> with a valid Start+Input journal, read to its End.</summary>
public static class LegitimateInvocation
{
    /// <summary>Invokes Edge/echo on a fresh connection and returns its output; fails the test unless it gets a 200 with an Output and an End.</summary>
    public static async Task<string> EchoAsync(int port, string json = "\"ping\"")
    {
        await using var client = await RawHttp2Client.ConnectAsync(port);
        var journal = new JournalBuilder().Input(json).Build();
        await client.SendFrameAsync(RawHttp2Client.Headers, RawHttp2Client.EndHeaders, 1,
            RawHttp2Client.RequestBlock("POST", "/invoke/Edge/echo", RestateEndpoint.InvocationContentTypeV6));
        await client.SendFrameAsync(RawHttp2Client.Data, RawHttp2Client.EndStream, 1, journal);

        var headers = await client.NextFrameAsync(f => f.StreamId == 1 && f.Type == RawHttp2Client.Headers, TimeSpan.FromSeconds(20));
        Assert.That(headers, Is.Not.Null, "no response headers within 20 s");
        Assert.That(headers!.Payload[0], Is.EqualTo(0x88), "the response status is not 200 (HPACK static index 8)");

        var body = new List<byte>();
        while (true)
        {
            var frame = await client.NextFrameAsync(f => f.StreamId == 1 && f.Type is RawHttp2Client.Data or RawHttp2Client.RstStream, TimeSpan.FromSeconds(20));
            Assert.That(frame, Is.Not.Null, "the response did not end within 20 s");
            Assert.That(frame!.Type, Is.EqualTo(RawHttp2Client.Data), "the stream was reset");
            body.AddRange(frame.Payload);
            if (frame.Has(RawHttp2Client.EndStream))
            {
                break;
            }
        }

        var sequence = new ReadOnlySequence<byte>(body.ToArray());
        string? output = null;
        var ended = false;
        while (FrameCodec.TryReadFrame(ref sequence, out var header, out var payload))
        {
            var message = FrameCodec.Decode(header.Type, payload);
            if (message is OutputCommandMessage o)
            {
                output = o.Value.Content.ToStringUtf8();
            }

            ended |= header.Type == MessageType.End;
        }

        Assert.That(ended, Is.True, "no End message");
        Assert.That(output, Is.EqualTo(json));
        return output!;
    }
}
