namespace DurableAgents.Hosting.Edge;

/// <summary>
/// Meters the client side of an HTTP/2 connection from its bytes alone: the 24-byte preface, then the 9-byte header of
/// each frame (length, type, flags; the payload is skipped, never parsed). It counts CONTINUATION frames per header
/// block, keeps an RST_STREAM token bucket, and tracks the deadlines for the first complete HEADERS and for finishing a
/// header block. It keeps no stream state and never decodes HPACK. Not thread-safe: the caller serializes access.
/// </summary>
internal sealed class Http2FrameMeter
{
    private const int FrameHeaderSize = 9;
    private const byte HeadersType = 0x1;
    private const byte RstStreamType = 0x3;
    private const byte ContinuationType = 0x9;
    private const byte EndHeadersFlag = 0x4;

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly int _maxContinuationFrames;
    private readonly double _rstBurst;
    private readonly double _rstPerMillisecond;
    private readonly long _headersTimeoutMs;
    private readonly long _startedMs;
    private readonly byte[] _header = new byte[FrameHeaderSize];

    private State _state = State.Preface;
    private int _prefaceMatched;
    private int _headerFilled;
    private long _payloadRemaining;
    private bool _firstHeadersComplete;
    private bool _inHeaderBlock;
    private long _blockStartedMs;
    private int _continuations;
    private double _rstTokens;
    private long _rstRefilledMs;

    public Http2FrameMeter(RestateKestrelOptions options, long nowMs)
    {
        _maxContinuationFrames = options.MaxContinuationFrames;
        _rstBurst = options.RstStreamBurst;
        _rstPerMillisecond = options.RstStreamsPerSecond / 1000.0;
        _headersTimeoutMs = (long)options.RequestHeadersTimeout.TotalMilliseconds;
        _startedMs = nowMs;
        _rstTokens = _rstBurst;
        _rstRefilledMs = nowMs;
    }

    private enum State
    {
        Preface,
        FrameHeader,
        Payload,
        NotHttp2,
        Violated,
    }

    /// <summary>True once the bytes are known not to be HTTP/2 with prior knowledge (HTTP/1.1, TLS): nothing more to meter.</summary>
    public bool IsPassThrough => _state == State.NotHttp2;

    /// <summary>Why the connection must be closed, once it must.</summary>
    public string? Violation { get; private set; }

    /// <summary>True when the violation is a missed header deadline (a slow or idle peer) rather than a flood.</summary>
    public bool IsTimeout { get; private set; }

    /// <summary>Frames seen so far (for diagnostics and tests).</summary>
    public long Frames { get; private set; }

    /// <summary>
    /// When the connection must have made header progress (milliseconds on the caller's clock): the preface and the
    /// first complete HEADERS within the headers timeout of the connection's start, and every later header block within
    /// the timeout of its first frame. Null when nothing is pending.
    /// </summary>
    public long? Deadline
        => _state is State.NotHttp2 or State.Violated ? null
            : !_firstHeadersComplete ? _startedMs + _headersTimeoutMs
            : _inHeaderBlock ? _blockStartedMs + _headersTimeoutMs
            : null;

    /// <summary>Checks the deadline at <paramref name="nowMs"/>; true (with <see cref="Violation"/> set) when it has passed.</summary>
    public bool CheckDeadline(long nowMs)
    {
        if (Deadline is { } deadline && nowMs >= deadline)
        {
            IsTimeout = true;
            Fail(!_firstHeadersComplete
                ? $"no complete request headers within {_headersTimeoutMs} ms of the connection's start"
                : $"a header block was not finished within {_headersTimeoutMs} ms");
        }

        return _state == State.Violated;
    }

    /// <summary>Feeds the next bytes the client sent; false (with <see cref="Violation"/> set) when the connection must be closed.</summary>
    public bool Feed(ReadOnlySpan<byte> bytes, long nowMs)
    {
        while (!bytes.IsEmpty)
        {
            switch (_state)
            {
                case State.Preface:
                {
                    var n = Math.Min(bytes.Length, Preface.Length - _prefaceMatched);
                    if (!bytes[..n].SequenceEqual(Preface.Slice(_prefaceMatched, n)))
                    {
                        _state = State.NotHttp2;
                        return true;
                    }

                    _prefaceMatched += n;
                    bytes = bytes[n..];
                    if (_prefaceMatched == Preface.Length)
                    {
                        _state = State.FrameHeader;
                    }

                    break;
                }

                case State.FrameHeader:
                {
                    var n = Math.Min(bytes.Length, FrameHeaderSize - _headerFilled);
                    bytes[..n].CopyTo(_header.AsSpan(_headerFilled));
                    _headerFilled += n;
                    bytes = bytes[n..];
                    if (_headerFilled == FrameHeaderSize)
                    {
                        _headerFilled = 0;
                        if (!OnFrameHeader(nowMs))
                        {
                            return false;
                        }

                        _state = _payloadRemaining > 0 ? State.Payload : State.FrameHeader;
                    }

                    break;
                }

                case State.Payload:
                {
                    var n = (int)Math.Min(bytes.Length, _payloadRemaining);
                    _payloadRemaining -= n;
                    bytes = bytes[n..];
                    if (_payloadRemaining == 0)
                    {
                        _state = State.FrameHeader;
                    }

                    break;
                }

                case State.NotHttp2:
                    return true;

                default:
                    return false;
            }
        }

        return !CheckDeadline(nowMs);
    }

    private bool OnFrameHeader(long nowMs)
    {
        Frames++;
        _payloadRemaining = (_header[0] << 16) | (_header[1] << 8) | _header[2];
        var type = _header[3];
        var endHeaders = (_header[4] & EndHeadersFlag) != 0;
        switch (type)
        {
            case HeadersType:
                if (endHeaders)
                {
                    _firstHeadersComplete = true;
                }
                else
                {
                    _inHeaderBlock = true;
                    _blockStartedMs = nowMs;
                    _continuations = 0;
                }

                break;

            case ContinuationType:
                if (_inHeaderBlock && ++_continuations > _maxContinuationFrames)
                {
                    return Fail($"more than {_maxContinuationFrames} CONTINUATION frames in one header block");
                }

                if (endHeaders)
                {
                    _inHeaderBlock = false;
                    _firstHeadersComplete = true;
                }

                break;

            case RstStreamType:
                _rstTokens = Math.Min(_rstBurst, _rstTokens + ((nowMs - _rstRefilledMs) * _rstPerMillisecond));
                _rstRefilledMs = nowMs;
                if (_rstTokens < 1)
                {
                    return Fail($"RST_STREAM frames past the budget of {_rstBurst} plus {_rstPerMillisecond * 1000} per second (rapid reset)");
                }

                _rstTokens -= 1;
                break;
        }

        return true;
    }

    private bool Fail(string reason)
    {
        Violation ??= reason;
        _state = State.Violated;
        return false;
    }
}
