using System.Buffers;
using System.Buffers.Binary;

namespace DurableAgents.Hosting.Http2;

/// <summary>HTTP/2 frame types (RFC 9113 §6).</summary>
internal enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>HTTP/2 error codes (RFC 9113 §7).</summary>
internal enum Http2ErrorCode : uint
{
    NoError = 0x0,
    ProtocolError = 0x1,
    InternalError = 0x2,
    FlowControlError = 0x3,
    SettingsTimeout = 0x4,
    StreamClosed = 0x5,
    FrameSizeError = 0x6,
    RefusedStream = 0x7,
    Cancel = 0x8,
    CompressionError = 0x9,
    ConnectError = 0xa,
    EnhanceYourCalm = 0xb,
    InadequateSecurity = 0xc,
    Http11Required = 0xd,
}

/// <summary>Frame flags and settings identifiers.</summary>
internal static class Http2Flags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

internal static class Http2Settings
{
    public const ushort HeaderTableSize = 0x1;
    public const ushort EnablePush = 0x2;
    public const ushort MaxConcurrentStreams = 0x3;
    public const ushort InitialWindowSize = 0x4;
    public const ushort MaxFrameSize = 0x5;
    public const ushort MaxHeaderListSize = 0x6;
}

/// <summary>A connection error: the connection ends with GOAWAY carrying <see cref="Code"/>.</summary>
internal sealed class Http2ConnectionException(Http2ErrorCode code, string message) : Exception(message)
{
    public Http2ErrorCode Code { get; } = code;
}

/// <summary>A stream error: the stream ends with RST_STREAM carrying <see cref="Code"/>; the connection goes on.</summary>
internal sealed class Http2StreamException(int streamId, Http2ErrorCode code, string message) : Exception(message)
{
    public int StreamId { get; } = streamId;

    public Http2ErrorCode Code { get; } = code;
}

/// <summary>The 9-octet frame header.</summary>
internal readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    /// <summary>The client connection preface (RFC 9113 §3.4).</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public bool Has(byte flag) => (Flags & flag) != 0;

    /// <summary>True when <paramref name="bytes"/> (at most 24) are the start of the client preface.</summary>
    public static bool StartsLikePreface(ReadOnlySequence<byte> bytes)
    {
        Span<byte> head = stackalloc byte[24];
        var n = (int)Math.Min(bytes.Length, head.Length);
        bytes.Slice(0, n).CopyTo(head);
        return head[..n].SequenceEqual(ClientPreface[..n]);
    }

    public static Http2FrameHeader Read(ReadOnlySpan<byte> header) => new(
        (header[0] << 16) | (header[1] << 8) | header[2],
        (Http2FrameType)header[3],
        header[4],
        (int)(BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFF_FFFF));

    public static void Write(IBufferWriter<byte> output, int length, Http2FrameType type, byte flags, int streamId)
    {
        var span = output.GetSpan(Size);
        span[0] = (byte)(length >> 16);
        span[1] = (byte)(length >> 8);
        span[2] = (byte)length;
        span[3] = (byte)type;
        span[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], (uint)streamId & 0x7FFF_FFFF);
        output.Advance(Size);
    }

    /// <summary>Writes a whole frame with a payload.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        Write(output, payload.Length, type, flags, streamId);
        if (payload.Length > 0)
        {
            output.Write(payload);
        }
    }

    public static void WriteRstStream(IBufferWriter<byte> output, int streamId, Http2ErrorCode code)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
        WriteFrame(output, Http2FrameType.RstStream, 0, streamId, payload);
    }

    public static void WriteWindowUpdate(IBufferWriter<byte> output, int streamId, int increment)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)increment & 0x7FFF_FFFF);
        WriteFrame(output, Http2FrameType.WindowUpdate, 0, streamId, payload);
    }

    public static void WriteGoAway(IBufferWriter<byte> output, int lastStreamId, Http2ErrorCode code, string? debug)
    {
        var debugBytes = debug is null ? [] : System.Text.Encoding.UTF8.GetBytes(debug.Length > 200 ? debug[..200] : debug);
        Write(output, 8 + debugBytes.Length, Http2FrameType.GoAway, 0, 0);
        var span = output.GetSpan(8);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)lastStreamId & 0x7FFF_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)code);
        output.Advance(8);
        output.Write(debugBytes);
    }
}
