using System.Buffers;
using BenchmarkDotNet.Attributes;
using DurableAgents.Protocol;
using Google.Protobuf;

namespace DurableAgents.Benchmarks;

/// <summary>Frame decode and encode over the captured restate-server 1.7.12 V6 vectors (all invocation requests and responses).</summary>
public class FrameBenchmarks
{
    private byte[] _stream = [];
    private List<(MessageType Type, IMessage Message)> _messages = [];
    private readonly ArrayBufferWriter<byte> _writer = new(64 * 1024);

    /// <summary>Frames in the stream (all v6-* vectors concatenated).</summary>
    public int Frames => _messages.Count;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Vectors");
        var all = new List<byte>();
        foreach (var file in Directory.GetFiles(dir, "v6-*.hex").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file).StartsWith("v6-discover", StringComparison.Ordinal))
            {
                continue; // discovery is JSON over plain HTTP, not frames
            }

            all.AddRange(Convert.FromHexString(File.ReadAllText(file).Trim()));
        }

        _stream = [.. all];
        var seq = new ReadOnlySequence<byte>(_stream);
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            _messages.Add((header.Type, FrameCodec.Decode(header.Type, payload)));
        }

        if (seq.Length != 0 || _messages.Count == 0)
        {
            throw new InvalidOperationException("the vectors did not decode cleanly");
        }

        Console.WriteLine($"// {_messages.Count} frames, {_stream.Length} bytes");
    }

    /// <summary>Cut and decode every frame of the stream (the reader's work per message).</summary>
    [Benchmark]
    public int DecodeAll()
    {
        var seq = new ReadOnlySequence<byte>(_stream);
        var n = 0;
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            n += FrameCodec.Decode(header.Type, payload) is null ? 0 : 1;
        }

        return n;
    }

    /// <summary>Encode every message of the stream (header + protobuf body) into a reused buffer.</summary>
    [Benchmark]
    public int EncodeAll()
    {
        _writer.ResetWrittenCount();
        foreach (var (type, message) in _messages)
        {
            FrameCodec.WriteFrame(_writer, type, message);
        }

        return _writer.WrittenCount;
    }
}
