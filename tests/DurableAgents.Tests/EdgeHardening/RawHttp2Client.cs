using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace DurableAgents.Tests.EdgeHardening;

/// <summary>
/// A small HTTP/2 client written for the tests: raw frames over a socket, HPACK only as far as a client needs (literal
/// header fields without indexing and without Huffman, plus incremental indexing and indexed references for the HPACK
/// abuse case). It can stop reading (to flood without reading replies) and reports how and when the connection ended.
/// </summary>
public sealed class RawHttp2Client : IAsyncDisposable
{
    public const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8, Continuation = 0x9;
    public const byte EndStream = 0x1, Ack = 0x1, EndHeaders = 0x4;
    public const ushort SettingsMaxConcurrentStreams = 0x3, SettingsInitialWindowSize = 0x4;
    public const uint FlowControlError = 0x3, RefusedStream = 0x7, Cancel = 0x8;

    public static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource<TimeSpan> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _credits = new();
    private Task? _reader;

    private RawHttp2Client(TcpClient tcp)
    {
        _tcp = tcp;
        _tcp.NoDelay = true;
        _stream = tcp.GetStream();
    }

    /// <summary>The server's SETTINGS (identifier → value), once the handshake has read them.</summary>
    public Dictionary<ushort, uint> ServerSettings { get; } = [];

    /// <summary>The GOAWAY the server sent (error code), if any.</summary>
    public uint? GoAwayError { get; private set; }

    /// <summary>The sum of the WINDOW_UPDATE increments the server sent for a stream (0 = the connection) so far.</summary>
    public long WindowCredit(int streamId) => _credits.TryGetValue(streamId, out var credit) ? credit : 0;

    /// <summary>Time since the client connected.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Completes with the time since connecting when the server closed the connection (EOF or reset).</summary>
    public Task<TimeSpan> Closed => _closed.Task;

    /// <summary>Opens a TCP connection; nothing is sent.</summary>
    public static async Task<RawHttp2Client> OpenAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return new RawHttp2Client(tcp);
    }

    /// <summary>Opens a connection, sends the preface and SETTINGS, reads the server's SETTINGS and acknowledges them.</summary>
    public static async Task<RawHttp2Client> ConnectAsync(int port, bool read = true)
    {
        var client = await OpenAsync(port);
        await client.WriteAsync(Preface);
        await client.SendFrameAsync(Settings, 0, 0, []);
        var head = new byte[9];
        while (true)
        {
            var frame = await client.ReadFrameAsync(head, CancellationToken.None);
            if (frame.Type == Settings && (frame.Flags & Ack) == 0)
            {
                for (var i = 0; i + 6 <= frame.Payload.Length; i += 6)
                {
                    client.ServerSettings[BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(i + 2));
                }

                break;
            }
        }

        await client.SendFrameAsync(Settings, Ack, 0, []);
        if (read)
        {
            client.StartReading();
        }

        return client;
    }

    /// <summary>Reads frames in the background from now on: they queue for <see cref="NextFrameAsync"/>.</summary>
    public void StartReading() => _reader ??= Task.Run(ReadLoopAsync);

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public static byte[] FrameBytes(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId & int.MaxValue);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    public Task SendFrameAsync(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload, CancellationToken cancellationToken = default)
        => WriteAsync(FrameBytes(type, flags, streamId, payload), cancellationToken);

    public static byte[] RstStreamPayload(uint error)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, error);
        return payload;
    }

    /// <summary>The header block of a request (literal fields, no indexing, no Huffman).</summary>
    public static byte[] RequestBlock(string method, string path, string? contentType = null, params (string Name, string Value)[] extra)
    {
        var block = new List<byte>();
        Literal(block, ":method", method);
        Literal(block, ":scheme", "http");
        Literal(block, ":path", path);
        Literal(block, ":authority", "127.0.0.1");
        if (contentType is not null)
        {
            Literal(block, "content-type", contentType);
        }

        foreach (var (name, value) in extra)
        {
            Literal(block, name, value);
        }

        return [.. block];
    }

    /// <summary>A literal header field without indexing, new name (RFC 7541 6.2.2).</summary>
    public static void Literal(List<byte> block, string name, string value, bool index = false)
    {
        block.Add(index ? (byte)0x40 : (byte)0x00);
        String(block, name);
        String(block, value);
    }

    /// <summary>An indexed header field (RFC 7541 6.1): 62 is the newest dynamic-table entry.</summary>
    public static void Indexed(List<byte> block, int index) => Integer(block, index, 7, 0x80);

    private static void String(List<byte> block, string s)
    {
        var bytes = Encoding.ASCII.GetBytes(s);
        Integer(block, bytes.Length, 7, 0x00);
        block.AddRange(bytes);
    }

    private static void Integer(List<byte> block, int value, int prefixBits, byte mask)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(mask | value));
            return;
        }

        block.Add((byte)(mask | max));
        value -= max;
        while (value >= 128)
        {
            block.Add((byte)((value % 128) + 128));
            value /= 128;
        }

        block.Add((byte)value);
    }

    /// <summary>The next frame the background reader received that matches, or null when none arrives in time or the connection ends.</summary>
    public async Task<Frame?> NextFrameAsync(Func<Frame, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _frames.Reader.WaitToReadAsync(cts.Token))
            {
                while (_frames.Reader.TryRead(out var frame))
                {
                    if (match(frame))
                    {
                        return frame;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return null;
    }

    /// <summary>True when the connection ended (EOF, reset or GOAWAY) within <paramref name="timeout"/>.</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        StartReading();
        var ended = await Task.WhenAny(_closed.Task, Task.Delay(timeout)) == _closed.Task;
        return ended || GoAwayError is not null;
    }

    private async Task ReadLoopAsync()
    {
        var head = new byte[9];
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(head, CancellationToken.None);
                if (frame.Type == GoAway && frame.Payload.Length >= 8)
                {
                    GoAwayError = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4));
                }
                else if (frame.Type == WindowUpdate && frame.Payload.Length == 4)
                {
                    var increment = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) & int.MaxValue;
                    _credits.AddOrUpdate(frame.StreamId, increment, (_, sum) => sum + increment);
                }

                _frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or SocketException)
        {
            _closed.TrySetResult(_clock.Elapsed);
            _frames.Writer.TryComplete();
        }
    }

    private async Task<Frame> ReadFrameAsync(byte[] head, CancellationToken cancellationToken)
    {
        await _stream.ReadExactlyAsync(head, cancellationToken);
        var length = (head[0] << 16) | (head[1] << 8) | head[2];
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancellationToken);
        return new Frame(head[3], head[4], BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(5)) & int.MaxValue, payload);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        if (_reader is not null)
        {
            await _reader;
        }
    }

    /// <summary>One received frame.</summary>
    public sealed record Frame(byte Type, byte Flags, int StreamId, byte[] Payload)
    {
        public bool Has(byte flag) => (Flags & flag) != 0;
    }
}
