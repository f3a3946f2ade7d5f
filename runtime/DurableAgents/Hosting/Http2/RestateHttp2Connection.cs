using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Hosting.Http2;

/// <summary>
/// One HTTP/2 connection from Restate, served by DurableAgents' own HTTP/2 layer on top of Kestrel's transport
/// (see <see cref="RestateListenOptionsExtensions.UseRestateHttp2"/>). It implements what a Restate endpoint needs of
/// RFC 9113: streams, HPACK, flow control in both directions, SETTINGS/PING/GOAWAY/RST_STREAM, graceful shutdown.
/// Why: every journal round trip is one tiny DATA frame each way; Kestrel's general-purpose HTTP/2 stack hands each
/// frame through several pipes and threads, which dominated the endpoint's CPU. Here a frame is parsed on the thread
/// that received it, handed to the invocation's input, and the invocation's output is framed and sent by the thread
/// that produced it.
/// </summary>
internal sealed class RestateHttp2Connection
{
    public const int MaxConcurrentStreams = 10_000;
    public const int StreamWindow = 1 << 20;
    public const int ConnectionWindow = 4 << 20;
    public const int MaxFrameSize = 16_384;
    public const int MaxHeaderListSize = 64 * 1024;
    private const int DefaultWindow = 65_535;
    private const long MaxWindow = int.MaxValue;

    private static readonly PipeOptions BodyPipeOptions = new(
        readerScheduler: BodyReaderScheduler.Instance,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        minimumSegmentSize: 2048,
        useSynchronizationContext: false);

    // The transport: Kestrel's connection (pipes) or, on RestateSocketTransport's listeners, a socket and reader thread.
    private readonly ConnectionContext? _connection;
    private readonly PipeReader? _input;
    private readonly PipeWriter? _output;
    private readonly H2cSocket? _socket;
    private readonly string _connectionId;
    private readonly RestateEndpoint _endpoint;
    private readonly IServiceScopeFactory _scopes;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly HPackDecoder _hpack = new(4096, MaxHeaderListSize);
    private readonly List<KeyValuePair<string, string>> _headerList = [];
    private readonly ArrayBufferWriter<byte> _headerScratch = new(256);

    // Everything below is guarded by _lock (the output buffer, stream table, windows).
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Http2Stream> _streams = [];
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte>? _spare = new(4096);
    private bool _flushing;
    private bool _outputClosed;
    private bool _outputCompleted;
    private int _peerInitialWindow = DefaultWindow;
    private int _peerMaxFrameSize = 16_384;
    private long _sendWindow = DefaultWindow;
    private long _recvWindow = ConnectionWindow;
    private int _recvCredit;
    private int _lastStreamId;
    private bool _closing;

    // Read loop state (only the reading thread touches these).
    private bool _sawSettings;
    private readonly ArrayBufferWriter<byte> _headerBlock = new(512);
    private bool _headerBlockOpen;
    private int _headerStreamId;
    private bool _headerEndStream;

    public RestateHttp2Connection(ConnectionContext connection, RestateEndpoint endpoint, IServiceScopeFactory scopes, string prefix)
        : this(endpoint, scopes, prefix, connection.ConnectionId)
    {
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
    }

    public RestateHttp2Connection(H2cSocket socket, RestateEndpoint endpoint, IServiceScopeFactory scopes, string prefix)
        : this(endpoint, scopes, prefix, socket.Id)
    {
        _socket = socket;
    }

    private RestateHttp2Connection(RestateEndpoint endpoint, IServiceScopeFactory scopes, string prefix, string connectionId)
    {
        _connectionId = connectionId;
        _endpoint = endpoint;
        _scopes = scopes;
        _prefix = prefix.TrimEnd('/');
        _logger = endpoint.Logger;
    }

    /// <summary>Serves a Kestrel connection until the peer closes it, a connection error, or server shutdown.</summary>
    public async Task RunAsync()
    {
        var input = _input!;
        lock (_lock)
        {
            WriteInitialSettingsLocked();
        }

        Flush();
        using var shutdown = _connection!.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested.Register(
            static s => ((RestateHttp2Connection)s!).BeginShutdown(), this);
        Http2ErrorCode? error = null;
        string? errorMessage = null;
        try
        {
            await ReadPrefaceAsync().ConfigureAwait(false);
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (TryReadFrame(ref buffer, out var header, out var payload))
                    {
                        ProcessFrame(header, payload);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                Flush();
                if (result.IsCompleted || result.IsCanceled)
                {
                    if (result.IsCompleted && buffer.Length > 0)
                    {
                        _logger.LogDebug("HTTP/2 connection {Id} ended inside a frame", _connectionId);
                    }

                    break;
                }
            }
        }
        catch (Http2ConnectionException e)
        {
            error = e.Code;
            errorMessage = e.Message;
            _logger.LogWarning("HTTP/2 connection {Id} closed with {Code}: {Message}", _connectionId, e.Code, e.Message);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("HTTP/2 connection {Id} ended: {Message}", _connectionId, e.Message);
        }
        finally
        {
            CloseConnection(error, errorMessage);
        }
    }

    // ------------------------------------------------------------------ serving on reader threads (RestateSocketTransport)

    private const int ReadBufferSize = 64 * 1024; // > one maximal frame, so a partial frame always fits after compaction

    /// <summary>Body-pipe continuations a reader thread collects while it parses a batch (run after the batch).</summary>
    [ThreadStatic]
    private static List<(Action<object?> Action, object? State)>? t_deferred;

    // Owned by whichever thread currently reads (one at a time; the watchdog hands reading over, see InlineWatchdog).
    private readonly List<(Action<object?> Action, object? State)> _deferred = [];
    private byte[] _readBuffer = [];
    private int _readCount;
    private bool _prefaceRead;
    private Action? _onClosed;

    // Handing reading over: the generation of the reader thread running handler code inline (0: none), and since when.
    private int _inlineOwner;
    private long _inlineSince;
    private int _readerGenerations;

    /// <summary>
    /// Serves a socket connection on the calling (dedicated) thread with blocking reads, until the connection ends or
    /// the watchdog moves reading to another thread. <paramref name="onClosed"/> runs once the connection has ended,
    /// on whichever thread ends it.
    /// </summary>
    public void RunOnReaderThread(Action onClosed)
    {
        _onClosed = onClosed;
        _readBuffer = new byte[ReadBufferSize];
        lock (_lock)
        {
            WriteInitialSettingsLocked();
        }

        Flush();
        InlineWatchdog.Register(this);
        ReaderLoop(Interlocked.Increment(ref _readerGenerations));
    }

    private void ReaderLoop(int generation)
    {
        var socket = _socket!;
        Http2ErrorCode? error = null;
        string? errorMessage = null;
        try
        {
            while (true)
            {
                var n = socket.Receive(_readBuffer.AsSpan(_readCount));
                if (n == 0)
                {
                    if (_readCount > 0)
                    {
                        _logger.LogDebug("HTTP/2 connection {Id} ended inside a frame", _connectionId);
                    }

                    break;
                }

                _readCount += n;
                var buffer = new ReadOnlySequence<byte>(_readBuffer, 0, _readCount);
                if (!_prefaceRead)
                {
                    if (!TrySkipPreface(ref buffer))
                    {
                        continue;
                    }

                    _prefaceRead = true;
                }

                t_deferred = _deferred;
                try
                {
                    while (TryReadFrame(ref buffer, out var header, out var payload))
                    {
                        ProcessFrame(header, payload);
                    }
                }
                finally
                {
                    t_deferred = null;
                }

                var left = (int)buffer.Length;
                if (left > 0 && left < _readCount)
                {
                    Buffer.BlockCopy(_readBuffer, _readCount - left, _readBuffer, 0, left);
                }

                _readCount = left;
                Flush();
                if (_deferred.Count > 0 && !RunDeferred(generation))
                {
                    return; // the watchdog moved reading to another thread while handler code ran here
                }
            }
        }
        catch (Http2ConnectionException e)
        {
            error = e.Code;
            errorMessage = e.Message;
            _logger.LogWarning("HTTP/2 connection {Id} closed with {Code}: {Message}", _connectionId, e.Code, e.Message);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ObjectDisposedException)
        {
            _logger.LogDebug("HTTP/2 connection {Id} ended: {Message}", _connectionId, e.Message);
        }
        catch (Exception e)
        {
            // A dedicated thread: an exception escaping it would end the process. Close this connection instead.
            error = Http2ErrorCode.InternalError;
            errorMessage = "internal error";
            _logger.LogError(e, "HTTP/2 connection {Id} failed", _connectionId);
        }

        EndReading(error, errorMessage);
    }

    /// <summary>The end of a reader-thread connection, by the last thread that read it.</summary>
    private void EndReading(Http2ErrorCode? error, string? errorMessage)
    {
        foreach (var (action, state) in _deferred)
        {
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: false);
        }

        _deferred.Clear();
        CloseConnection(error, errorMessage);
        InlineWatchdog.Unregister(this);
        _socket!.ReadingDone();
        _onClosed?.Invoke();
    }

    /// <summary>
    /// Runs the continuations the batch woke: all but the last on the thread pool, the last (typically the one
    /// invocation waiting for this result) right here, as the watchdog's "inline" owner. False when the watchdog took
    /// reading over meanwhile: this thread must then stop reading.
    /// </summary>
    private bool RunDeferred(int generation)
    {
        var count = _deferred.Count;
        for (var i = 0; i < count - 1; i++)
        {
            var (queued, queuedState) = _deferred[i];
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(queued, queuedState, preferLocal: false);
        }

        var (action, state) = _deferred[count - 1];
        _deferred.Clear();
        Volatile.Write(ref _inlineSince, Stopwatch.GetTimestamp());
        Volatile.Write(ref _inlineOwner, generation);
        try
        {
            action(state);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "HTTP/2 connection {Id}: a request body continuation failed", _connectionId);
        }

        return Interlocked.CompareExchange(ref _inlineOwner, 0, generation) == generation;
    }

    /// <summary>Called by the watchdog: moves reading to a new thread when handler code has held the reader too long.</summary>
    internal void TakeOverReadingIfStuck(long now, long due)
    {
        var owner = Volatile.Read(ref _inlineOwner);
        if (owner == 0 || now - Volatile.Read(ref _inlineSince) < due
            || Interlocked.CompareExchange(ref _inlineOwner, 0, owner) != owner)
        {
            return;
        }

        var generation = Interlocked.Increment(ref _readerGenerations);
        _logger.LogDebug("HTTP/2 connection {Id}: handler code has held the reader thread for over {Threshold} ms; reading moves to a new thread",
            _connectionId, InlineWatchdog.Threshold.TotalMilliseconds);
        try
        {
            var thread = new Thread(static s =>
            {
                var (connection, g) = ((RestateHttp2Connection, int))s!;
                connection.ReaderLoop(g);
            })
            {
                IsBackground = true,
                Name = "Restate h2c",
            };
            thread.UnsafeStart((this, generation));
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            // Reading was taken from the stuck thread and nobody can read now: end the connection here (Restate retries
            // its invocations on a new one).
            _logger.LogError(e, "HTTP/2 connection {Id}: no thread to move reading to; closing the connection", _connectionId);
            _socket!.Abort();
            EndReading(Http2ErrorCode.InternalError, "internal error");
        }
    }

    // ------------------------------------------------------------------ reading

    private async Task ReadPrefaceAsync()
    {
        var input = _input!;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TrySkipPreface(ref buffer))
            {
                input.AdvanceTo(buffer.Start);
                return;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new IOException("the connection ended before the HTTP/2 preface");
            }
        }
    }

    /// <summary>True (and <paramref name="buffer"/> past it) once the whole client preface is there; throws if it is not the preface.</summary>
    private static bool TrySkipPreface(ref ReadOnlySequence<byte> buffer)
    {
        var prefaceLength = Http2FrameHeader.ClientPreface.Length;
        if (buffer.Length < prefaceLength)
        {
            return false;
        }

        if (!Http2FrameHeader.StartsLikePreface(buffer.Slice(0, prefaceLength)))
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "invalid connection preface");
        }

        buffer = buffer.Slice(prefaceLength);
        return true;
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out Http2FrameHeader header, out ReadOnlySequence<byte> payload)
    {
        if (buffer.Length < Http2FrameHeader.Size)
        {
            header = default;
            payload = default;
            return false;
        }

        Span<byte> raw = stackalloc byte[Http2FrameHeader.Size];
        buffer.Slice(0, Http2FrameHeader.Size).CopyTo(raw);
        header = Http2FrameHeader.Read(raw);
        if (header.Length > MaxFrameSize)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, $"frame of {header.Length} octets exceeds SETTINGS_MAX_FRAME_SIZE {MaxFrameSize}");
        }

        if (buffer.Length < Http2FrameHeader.Size + header.Length)
        {
            payload = default;
            return false;
        }

        payload = buffer.Slice(Http2FrameHeader.Size, header.Length);
        buffer = buffer.Slice(Http2FrameHeader.Size + header.Length);
        return true;
    }

    private void ProcessFrame(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (!_sawSettings && header.Type != Http2FrameType.Settings)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "the first frame after the preface must be SETTINGS");
        }

        if (_headerBlockOpen && header.Type != Http2FrameType.Continuation)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"{header.Type} while a header block was open on stream {_headerStreamId}");
        }

        try
        {
            switch (header.Type)
            {
                case Http2FrameType.Data:
                    OnData(header, payload);
                    break;
                case Http2FrameType.Headers:
                    OnHeaders(header, payload);
                    break;
                case Http2FrameType.Continuation:
                    OnContinuation(header, payload);
                    break;
                case Http2FrameType.Priority:
                    if (header.StreamId == 0)
                    {
                        throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PRIORITY on stream 0");
                    }

                    if (header.Length != 5)
                    {
                        throw new Http2StreamException(header.StreamId, Http2ErrorCode.FrameSizeError, "PRIORITY frame of the wrong size");
                    }

                    break;
                case Http2FrameType.RstStream:
                    OnRstStream(header, payload);
                    break;
                case Http2FrameType.Settings:
                    OnSettings(header, payload);
                    break;
                case Http2FrameType.PushPromise:
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE from a client");
                case Http2FrameType.Ping:
                    OnPing(header, payload);
                    break;
                case Http2FrameType.GoAway:
                    if (header.StreamId != 0)
                    {
                        throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "GOAWAY on a stream");
                    }

                    _logger.LogDebug("HTTP/2 connection {Id}: the peer sent GOAWAY", _connectionId);
                    break;
                case Http2FrameType.WindowUpdate:
                    OnWindowUpdate(header, payload);
                    break;
                default:
                    break; // unknown frame types are ignored (RFC 9113 §4.1)
            }
        }
        catch (Http2StreamException e)
        {
            _logger.LogDebug("HTTP/2 stream {Stream} reset with {Code}: {Message}", e.StreamId, e.Code, e.Message);
            ResetStream(e.StreamId, e.Code, sendReset: true, onReadLoop: true);
        }
    }

    private void OnData(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (header.StreamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "DATA on stream 0");
        }

        var length = header.Length;
        Http2Stream? stream;
        lock (_lock)
        {
            _recvWindow -= length;
            if (_recvWindow < 0)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "the peer exceeded the connection flow-control window");
            }

            // Windows are replenished as data arrives: the invocation decodes its input as fast as it comes, so
            // holding credit back until it is consumed would only add WINDOW_UPDATE latency.
            CreditLocked(null, length);
            _streams.TryGetValue(header.StreamId, out stream);
            if (stream is null)
            {
                if (header.StreamId > _lastStreamId)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"DATA on idle stream {header.StreamId}");
                }

                return; // a stream we already closed or reset: frames in flight are ignored
            }

            if (stream.RequestEnded)
            {
                throw new Http2StreamException(header.StreamId, Http2ErrorCode.StreamClosed, "DATA after END_STREAM");
            }

            stream.RecvWindow -= length;
            if (stream.RecvWindow < 0)
            {
                throw new Http2StreamException(header.StreamId, Http2ErrorCode.FlowControlError, "the peer exceeded the stream flow-control window");
            }

            CreditLocked(stream, length);
        }

        if (header.Has(Http2Flags.Padded))
        {
            payload = StripPadding(payload, header.StreamId);
        }

        var body = stream.Body.Writer;
        if (!stream.ReaderDone)
        {
            foreach (var segment in payload)
            {
                body.Write(segment.Span);
            }
        }

        if (header.Has(Http2Flags.EndStream))
        {
            lock (_lock)
            {
                stream.RequestEnded = true;
            }

            body.Complete();
        }
        else if (!payload.IsEmpty && !stream.ReaderDone)
        {
            var flush = body.FlushAsync();
            if (flush.IsCompletedSuccessfully && flush.Result.IsCompleted)
            {
                stream.ReaderDone = true; // the invocation stopped reading; later data is dropped
            }
        }
    }

    private static ReadOnlySequence<byte> StripPadding(ReadOnlySequence<byte> payload, int streamId)
    {
        if (payload.IsEmpty)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"padded frame without a pad length on stream {streamId}");
        }

        var pad = payload.FirstSpan[0];
        if (pad >= payload.Length)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"padding longer than the frame on stream {streamId}");
        }

        return payload.Slice(1, payload.Length - 1 - pad);
    }

    private void OnHeaders(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        var id = header.StreamId;
        if (id == 0 || (id & 1) == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"HEADERS on invalid stream {id}");
        }

        if (header.Has(Http2Flags.Padded))
        {
            payload = StripPadding(payload, id);
        }

        if (header.Has(Http2Flags.Priority))
        {
            if (payload.Length < 5)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "HEADERS priority fields truncated");
            }

            payload = payload.Slice(5);
        }

        bool known;
        lock (_lock)
        {
            known = _streams.ContainsKey(id);
        }

        if (!known && id <= _lastStreamId)
        {
            throw new Http2ConnectionException(Http2ErrorCode.StreamClosed, $"HEADERS on closed stream {id}");
        }

        if (known && !header.Has(Http2Flags.EndStream))
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"trailers without END_STREAM on stream {id}");
        }

        _headerBlockOpen = true;
        _headerBlock.ResetWrittenCount();
        _headerStreamId = id;
        _headerEndStream = header.Has(Http2Flags.EndStream);
        AppendHeaderFragment(payload);
        if (header.Has(Http2Flags.EndHeaders))
        {
            OnHeaderBlock();
        }
    }

    private void OnContinuation(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (!_headerBlockOpen || header.StreamId != _headerStreamId)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"unexpected CONTINUATION on stream {header.StreamId}");
        }

        AppendHeaderFragment(payload);
        if (header.Has(Http2Flags.EndHeaders))
        {
            OnHeaderBlock();
        }
    }

    private void AppendHeaderFragment(ReadOnlySequence<byte> payload)
    {
        if (_headerBlock.WrittenCount + payload.Length > 2 * MaxHeaderListSize)
        {
            throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, "header block too large");
        }

        foreach (var segment in payload)
        {
            _headerBlock.Write(segment.Span);
        }
    }

    private void OnHeaderBlock()
    {
        var id = _headerStreamId;
        _headerBlockOpen = false;
        _headerList.Clear();
        try
        {
            _hpack.Decode(_headerBlock.WrittenSpan, _headerList);
        }
        catch (HPackException e)
        {
            throw new Http2ConnectionException(Http2ErrorCode.CompressionError, e.Message);
        }

        Http2Stream? stream;
        bool refuse;
        lock (_lock)
        {
            if (_streams.TryGetValue(id, out var existing))
            {
                // Trailers: nothing in them matters to Restate; they end the request.
                existing.RequestEnded = true;
                existing.Body.Writer.Complete();
                return;
            }

            _lastStreamId = id;
            refuse = _closing || _streams.Count >= MaxConcurrentStreams;
            stream = refuse ? null : new Http2Stream(id, _peerInitialWindow);
            if (stream is not null)
            {
                _streams.Add(id, stream);
            }
        }

        if (stream is null)
        {
            ResetStream(id, Http2ErrorCode.RefusedStream, sendReset: true, onReadLoop: true);
            return;
        }

        var request = new RequestHead();
        foreach (var (name, value) in _headerList)
        {
            switch (name)
            {
                case ":method": request.Method = value; break;
                case ":path": request.Path = value; break;
                case "content-type": request.ContentType = value; break;
                case "accept": request.Accept = request.Accept is null ? value : request.Accept + ", " + value; break;
                case RequestIdentityVerifier.SchemeHeader: request.SignatureScheme = value; break;
                case RequestIdentityVerifier.JwtHeader: request.Jwt = value; break;
            }
        }

        if (_headerEndStream)
        {
            stream.RequestEnded = true;
            stream.Body.Writer.Complete();
        }

        if (request.Method is null || request.Path is null)
        {
            throw new Http2StreamException(id, Http2ErrorCode.ProtocolError, "request without :method or :path");
        }

        _ = RunStreamAsync(stream, request);
    }

    private void OnRstStream(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (header.StreamId == 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "RST_STREAM on stream 0");
        }

        if (header.Length != 4)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "RST_STREAM of the wrong size");
        }

        if (header.StreamId > _lastStreamId)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"RST_STREAM on idle stream {header.StreamId}");
        }

        ResetStream(header.StreamId, (Http2ErrorCode)ReadUInt32(payload), sendReset: false, onReadLoop: true);
    }

    private void OnSettings(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (header.StreamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS on a stream");
        }

        if (header.Has(Http2Flags.Ack))
        {
            if (header.Length != 0)
            {
                throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS ACK with a payload");
            }

            return;
        }

        if (header.Length % 6 != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "SETTINGS payload not a multiple of 6");
        }

        _sawSettings = true;
        Span<byte> raw = stackalloc byte[6];
        List<TaskCompletionSource<FlushResult>>? released = null;
        lock (_lock)
        {
            while (payload.Length >= 6)
            {
                payload.Slice(0, 6).CopyTo(raw);
                payload = payload.Slice(6);
                var id = BinaryPrimitives.ReadUInt16BigEndian(raw);
                var value = BinaryPrimitives.ReadUInt32BigEndian(raw[2..]);
                switch (id)
                {
                    case Http2Settings.EnablePush when value > 1:
                        throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS_ENABLE_PUSH must be 0 or 1");
                    case Http2Settings.InitialWindowSize:
                        if (value > MaxWindow)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1");
                        }

                        var delta = (int)value - _peerInitialWindow;
                        _peerInitialWindow = (int)value;
                        foreach (var s in _streams.Values)
                        {
                            s.SendWindow += delta;
                            if (s.SendWindow > MaxWindow)
                            {
                                throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "a stream window overflowed");
                            }
                        }

                        break;
                    case Http2Settings.MaxFrameSize:
                        if (value is < 16_384 or > 16_777_215)
                        {
                            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS_MAX_FRAME_SIZE out of range");
                        }

                        _peerMaxFrameSize = (int)value;
                        break;
                }
            }

            Http2FrameHeader.Write(_pending, 0, Http2FrameType.Settings, Http2Flags.Ack, 0);
            SendAllQueuedLocked(ref released);
        }

        Release(released);
    }

    private void OnPing(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (header.StreamId != 0)
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PING on a stream");
        }

        if (header.Length != 8)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "PING of the wrong size");
        }

        if (header.Has(Http2Flags.Ack))
        {
            return;
        }

        Span<byte> data = stackalloc byte[8];
        payload.CopyTo(data);
        lock (_lock)
        {
            Http2FrameHeader.WriteFrame(_pending, Http2FrameType.Ping, Http2Flags.Ack, 0, data);
        }
    }

    private void OnWindowUpdate(Http2FrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (header.Length != 4)
        {
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "WINDOW_UPDATE of the wrong size");
        }

        var increment = (int)(ReadUInt32(payload) & 0x7FFF_FFFF);
        List<TaskCompletionSource<FlushResult>>? released = null;
        lock (_lock)
        {
            if (header.StreamId == 0)
            {
                if (increment == 0)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0 on the connection");
                }

                _sendWindow += increment;
                if (_sendWindow > MaxWindow)
                {
                    throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "connection window overflow");
                }

                SendAllQueuedLocked(ref released);
            }
            else if (_streams.TryGetValue(header.StreamId, out var stream))
            {
                if (increment == 0)
                {
                    throw new Http2StreamException(header.StreamId, Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0");
                }

                stream.SendWindow += increment;
                if (stream.SendWindow > MaxWindow)
                {
                    throw new Http2StreamException(header.StreamId, Http2ErrorCode.FlowControlError, "stream window overflow");
                }

                SendQueuedStreamLocked(stream, ref released);
            }
            else if (header.StreamId > _lastStreamId)
            {
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"WINDOW_UPDATE on idle stream {header.StreamId}");
            }
        }

        Release(released);
    }

    private static uint ReadUInt32(ReadOnlySequence<byte> payload)
    {
        Span<byte> raw = stackalloc byte[4];
        payload.Slice(0, 4).CopyTo(raw);
        return BinaryPrimitives.ReadUInt32BigEndian(raw);
    }

    // ------------------------------------------------------------------ streams

    private sealed class RequestHead
    {
        public string? Method;
        public string? Path;
        public string? ContentType;
        public string? Accept;
        public string? SignatureScheme;
        public string? Jwt;
    }

    private async Task RunStreamAsync(Http2Stream stream, RequestHead request)
    {
        try
        {
            var target = request.Path!;
            var query = target.IndexOf('?');
            var path = query < 0 ? target : target[..query];
            if (!path.StartsWith(_prefix, StringComparison.Ordinal) || (path.Length > _prefix.Length && path[_prefix.Length] != '/'))
            {
                await RespondAsync(stream, RestateEndpoint.SimpleResponse.Text(404, "Not found")).ConfigureAwait(false);
                return;
            }

            var route = path[_prefix.Length..];
            if (route == "/health")
            {
                await RespondAsync(stream, request.Method == "GET" ? RestateEndpoint.Healthy : MethodNotAllowed).ConfigureAwait(false);
                return;
            }

            var isDiscover = route == "/discover";
            var invoke = !isDiscover && route.StartsWith("/invoke/", StringComparison.Ordinal) ? route["/invoke/".Length..].Split('/') : null;
            if (!isDiscover && invoke is not { Length: 2 })
            {
                await RespondAsync(stream, RestateEndpoint.SimpleResponse.Text(404, "Not found")).ConfigureAwait(false);
                return;
            }

            if (request.Method != (isDiscover ? "GET" : "POST"))
            {
                await RespondAsync(stream, MethodNotAllowed).ConfigureAwait(false);
                return;
            }

            if (_endpoint.RequiresIdentity && !_endpoint.Authorize(request.SignatureScheme ?? "", request.Jwt ?? "", target))
            {
                await RespondAsync(stream, RestateEndpoint.Unauthorized).ConfigureAwait(false);
                return;
            }

            if (isDiscover)
            {
                var manifest = _endpoint.Discover(request.Accept ?? "", http2: true);
                await RespondAsync(stream, manifest, serverHeader: manifest.Status == 200).ConfigureAwait(false);
                return;
            }

            var rejection = _endpoint.ResolveInvocation(Uri.UnescapeDataString(invoke![0]), Uri.UnescapeDataString(invoke[1]), request.ContentType,
                out var service, out var handler);
            if (rejection is { } r)
            {
                await RespondAsync(stream, r).ConfigureAwait(false);
                return;
            }

            await InvokeAsync(stream, service!, handler!).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "HTTP/2 stream {Stream} failed", stream.Id);
            ResetStream(stream.Id, Http2ErrorCode.InternalError, sendReset: true, onReadLoop: false);
        }
        finally
        {
            RemoveStream(stream);
        }
    }

    private static readonly RestateEndpoint.SimpleResponse MethodNotAllowed = RestateEndpoint.SimpleResponse.Text(405, "Method not allowed");

    private async Task InvokeAsync(Http2Stream stream, ServiceDefinition service, HandlerDefinition handler)
    {
        lock (_lock)
        {
            // Sent with the invocation's first output (or at the latest when the read loop next flushes).
            WriteHeadersLocked(stream, 200, RestateEndpoint.InvocationContentTypeV6, serverHeader: true, endStream: false);
        }

        var scope = _scopes.CreateAsyncScope();
        try
        {
            await _endpoint.RunInvocationAsync(stream.Body.Reader, new ResponseBodyWriter(this, stream), service, handler, scope.ServiceProvider,
                stream.Aborted.Token).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }

        await SendDataAsync(stream, ReadOnlyMemory<byte>.Empty, endStream: true).ConfigureAwait(false);
    }

    private async Task RespondAsync(Http2Stream stream, RestateEndpoint.SimpleResponse response, bool serverHeader = false)
    {
        lock (_lock)
        {
            WriteHeadersLocked(stream, response.Status, response.ContentType, serverHeader, endStream: response.Body.IsEmpty);
        }

        if (!response.Body.IsEmpty)
        {
            await SendDataAsync(stream, response.Body, endStream: true).ConfigureAwait(false);
        }
        else
        {
            Flush();
        }
    }

    private void WriteHeadersLocked(Http2Stream stream, int status, string contentType, bool serverHeader, bool endStream)
    {
        if (stream.Reset || _outputClosed)
        {
            return;
        }

        var block = _headerScratch;
        block.ResetWrittenCount();
        HPackEncoder.WriteStatus(status, block);
        HPackEncoder.WriteHeader("content-type", contentType, block);
        if (serverHeader)
        {
            HPackEncoder.WriteHeader("x-restate-server", RestateEndpoint.ServerHeader, block);
        }

        var span = block.WrittenSpan;
        var first = Math.Min(span.Length, _peerMaxFrameSize);
        var flags = (byte)((endStream ? Http2Flags.EndStream : 0) | (first == span.Length ? Http2Flags.EndHeaders : 0));
        Http2FrameHeader.WriteFrame(_pending, Http2FrameType.Headers, flags, stream.Id, span[..first]);
        span = span[first..];
        while (span.Length > 0)
        {
            var n = Math.Min(span.Length, _peerMaxFrameSize);
            Http2FrameHeader.WriteFrame(_pending, Http2FrameType.Continuation, n == span.Length ? Http2Flags.EndHeaders : (byte)0, stream.Id, span[..n]);
            span = span[n..];
        }

        if (endStream)
        {
            OnResponseEndedLocked(stream);
        }
    }

    /// <summary>
    /// Sends response data on <paramref name="stream"/>, as far as the flow-control windows allow; the rest is queued
    /// and the returned task completes once it is all framed. Completed (<c>IsCompleted</c>) when the stream is gone.
    /// </summary>
    internal ValueTask<FlushResult> SendDataAsync(Http2Stream stream, ReadOnlyMemory<byte> data, bool endStream)
    {
        ValueTask<FlushResult> result;
        lock (_lock)
        {
            if (stream.Reset || _outputClosed || stream.ResponseEnded)
            {
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: true));
            }

            if (data.IsEmpty && !endStream)
            {
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
            }

            if (stream.Queued is { WrittenCount: > 0 } || stream.QueuedEnd)
            {
                stream.Queued!.Write(data.Span);
                stream.QueuedEnd |= endStream;
                return new ValueTask<FlushResult>(stream.QueuedDone!.Task);
            }

            var n = (int)Math.Max(0, Math.Min(data.Length, Math.Min(_sendWindow, stream.SendWindow)));
            WriteDataLocked(stream, data.Span[..n], endStream && n == data.Length);
            if (n < data.Length)
            {
                stream.Queued ??= new ArrayBufferWriter<byte>(data.Length - n);
                stream.Queued.Write(data.Span[n..]);
                stream.QueuedOffset = 0;
                stream.QueuedEnd = endStream;
                stream.QueuedDone = new TaskCompletionSource<FlushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                result = new ValueTask<FlushResult>(stream.QueuedDone.Task);
            }
            else
            {
                result = new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
            }
        }

        Flush();
        return result;
    }

    private void WriteDataLocked(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        do
        {
            var n = Math.Min(data.Length, _peerMaxFrameSize);
            var last = n == data.Length;
            Http2FrameHeader.WriteFrame(_pending, Http2FrameType.Data, last && endStream ? Http2Flags.EndStream : (byte)0, stream.Id, data[..n]);
            _sendWindow -= n;
            stream.SendWindow -= n;
            data = data[n..];
        }
        while (data.Length > 0);

        if (endStream)
        {
            OnResponseEndedLocked(stream);
        }
    }

    private void OnResponseEndedLocked(Http2Stream stream)
    {
        stream.ResponseEnded = true;
        if (!stream.RequestEnded)
        {
            // The response is complete but the client is still sending: tell it to stop (RFC 9113 §8.1).
            Http2FrameHeader.WriteRstStream(_pending, stream.Id, Http2ErrorCode.NoError);
            stream.Reset = true;
        }
    }

    /// <summary>Frames the queued response data of every blocked stream, as far as the windows now allow.</summary>
    private void SendAllQueuedLocked(ref List<TaskCompletionSource<FlushResult>>? released)
    {
        foreach (var stream in _streams.Values)
        {
            if (_sendWindow <= 0)
            {
                break;
            }

            SendQueuedStreamLocked(stream, ref released);
        }
    }

    /// <summary>Frames one stream's queued response data, as far as the windows now allow.</summary>
    private void SendQueuedStreamLocked(Http2Stream stream, ref List<TaskCompletionSource<FlushResult>>? released)
    {
        if (stream.QueuedDone is null || stream.Reset)
        {
            return;
        }

        var queued = stream.Queued!.WrittenSpan[stream.QueuedOffset..];
        var n = (int)Math.Max(0, Math.Min(queued.Length, Math.Min(_sendWindow, stream.SendWindow)));
        if (n == 0 && queued.Length > 0)
        {
            return;
        }

        var done = n == queued.Length;
        WriteDataLocked(stream, queued[..n], done && stream.QueuedEnd);
        stream.QueuedOffset += n;
        if (done)
        {
            stream.Queued.ResetWrittenCount();
            stream.QueuedOffset = 0;
            stream.QueuedEnd = false;
            (released ??= []).Add(stream.QueuedDone);
            stream.QueuedDone = null;
        }
    }

    private static void Release(List<TaskCompletionSource<FlushResult>>? released)
    {
        if (released is null)
        {
            return;
        }

        foreach (var tcs in released)
        {
            tcs.TrySetResult(new FlushResult(isCanceled: false, isCompleted: false));
        }
    }

    internal void CancelQueued(Http2Stream stream)
    {
        TaskCompletionSource<FlushResult>? pending;
        lock (_lock)
        {
            pending = stream.QueuedDone;
            stream.QueuedDone = null;
            stream.Queued?.ResetWrittenCount();
            stream.QueuedOffset = 0;
        }

        pending?.TrySetResult(new FlushResult(isCanceled: true, isCompleted: false));
    }

    /// <summary>
    /// Ends a stream abnormally: RST_STREAM out when <paramref name="sendReset"/>, the invocation's token cancelled, and
    /// (on the read loop, the only writer of request bodies) its input failed.
    /// </summary>
    private void ResetStream(int id, Http2ErrorCode code, bool sendReset, bool onReadLoop)
    {
        Http2Stream? stream;
        TaskCompletionSource<FlushResult>? pending = null;
        lock (_lock)
        {
            _streams.TryGetValue(id, out stream);
            if (stream is { Reset: true })
            {
                return;
            }

            if (sendReset && !_outputClosed)
            {
                Http2FrameHeader.WriteRstStream(_pending, id, code);
            }

            if (stream is not null)
            {
                stream.Reset = true;
                pending = stream.QueuedDone;
                stream.QueuedDone = null;
                _streams.Remove(id);
                if (_closing && _streams.Count == 0)
                {
                    StopReading();
                }
            }
        }

        Flush();
        if (stream is null)
        {
            return;
        }

        pending?.TrySetResult(new FlushResult(isCanceled: false, isCompleted: true));
        if (onReadLoop && !stream.RequestEnded)
        {
            stream.RequestEnded = true;
            stream.Body.Writer.Complete(new IOException($"The request stream was reset ({code})."));
        }

        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Cancel(), stream, preferLocal: false);
    }

    private void RemoveStream(Http2Stream stream)
    {
        lock (_lock)
        {
            if (_streams.TryGetValue(stream.Id, out var s) && ReferenceEquals(s, stream))
            {
                _streams.Remove(stream.Id);
            }

            if (_closing && _streams.Count == 0)
            {
                StopReading();
            }
        }

        Flush();
    }

    /// <summary>Adds received bytes to the window credit of the connection (<paramref name="stream"/> null) or a stream.</summary>
    private void CreditLocked(Http2Stream? stream, int bytes)
    {
        if (stream is null)
        {
            _recvCredit += bytes;
            if (_recvCredit >= ConnectionWindow / 2)
            {
                Http2FrameHeader.WriteWindowUpdate(_pending, 0, _recvCredit);
                _recvWindow += _recvCredit;
                _recvCredit = 0;
            }

            return;
        }

        stream.RecvCredit += bytes;
        if (stream.RecvCredit >= StreamWindow / 2)
        {
            Http2FrameHeader.WriteWindowUpdate(_pending, stream.Id, stream.RecvCredit);
            stream.RecvWindow += stream.RecvCredit;
            stream.RecvCredit = 0;
        }
    }

    // ------------------------------------------------------------------ connection lifetime

    private void WriteInitialSettingsLocked()
    {
        Span<byte> settings = stackalloc byte[18];
        WriteSetting(settings, Http2Settings.MaxConcurrentStreams, MaxConcurrentStreams);
        WriteSetting(settings[6..], Http2Settings.InitialWindowSize, StreamWindow);
        WriteSetting(settings[12..], Http2Settings.MaxHeaderListSize, MaxHeaderListSize);
        Http2FrameHeader.WriteFrame(_pending, Http2FrameType.Settings, 0, 0, settings);
        Http2FrameHeader.WriteWindowUpdate(_pending, 0, ConnectionWindow - DefaultWindow);

        static void WriteSetting(Span<byte> span, ushort id, int value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, id);
            BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)value);
        }
    }

    /// <summary>Graceful shutdown: GOAWAY, no new streams, the connection ends when the open ones have.</summary>
    private void BeginShutdown()
    {
        lock (_lock)
        {
            if (_closing || _outputClosed)
            {
                return;
            }

            _closing = true;
            Http2FrameHeader.WriteGoAway(_pending, _lastStreamId, Http2ErrorCode.NoError, null);
            if (_streams.Count == 0)
            {
                StopReading();
            }
        }

        Flush();
    }

    private void CloseConnection(Http2ErrorCode? error, string? message)
    {
        List<Http2Stream> open;
        lock (_lock)
        {
            if (error is { } code && !_outputClosed)
            {
                Http2FrameHeader.WriteGoAway(_pending, _lastStreamId, code, message);
            }

            open = [.. _streams.Values];
        }

        foreach (var stream in open)
        {
            ResetStream(stream.Id, Http2ErrorCode.Cancel, sendReset: false, onReadLoop: true);
        }

        Flush();
        bool complete;
        lock (_lock)
        {
            _outputClosed = true;
            complete = !_flushing && !_outputCompleted;
            _outputCompleted |= complete;
        }

        if (complete)
        {
            CompleteOutput();
        }
    }

    // ------------------------------------------------------------------ writing

    /// <summary>Writes whatever frames are pending, unless another thread is already writing (it will pick them up).</summary>
    private void Flush()
    {
        ArrayBufferWriter<byte> batch;
        lock (_lock)
        {
            if (_flushing || _pending.WrittenCount == 0 || _outputCompleted)
            {
                return;
            }

            _flushing = true;
            batch = _pending;
            _pending = _spare!;
            _spare = null;
        }

        FlushLoop(batch);
    }

    private void FlushLoop(ArrayBufferWriter<byte> batch)
    {
        while (true)
        {
            if (_socket is { } socket)
            {
                try
                {
                    socket.Send(batch.WrittenSpan);
                }
                catch (Exception e)
                {
                    OutputFailed(batch, e);
                    return;
                }

                if (!NextBatch(ref batch))
                {
                    return;
                }

                continue;
            }

            ValueTask<FlushResult> flush;
            try
            {
                var output = _output!;
                output.Write(batch.WrittenSpan);
                flush = output.FlushAsync();
            }
            catch (Exception e)
            {
                OutputFailed(batch, e);
                return;
            }

            if (!flush.IsCompletedSuccessfully)
            {
                _ = FlushSlowAsync(flush, batch);
                return;
            }

            if (flush.Result.IsCompleted)
            {
                OutputFailed(batch, null);
                return;
            }

            if (!NextBatch(ref batch))
            {
                return;
            }
        }
    }

    private async Task FlushSlowAsync(ValueTask<FlushResult> flush, ArrayBufferWriter<byte> batch)
    {
        try
        {
            if ((await flush.ConfigureAwait(false)).IsCompleted)
            {
                OutputFailed(batch, null);
                return;
            }
        }
        catch (Exception e)
        {
            OutputFailed(batch, e);
            return;
        }

        if (NextBatch(ref batch))
        {
            FlushLoop(batch);
        }
    }

    /// <summary>Swaps the written batch for the frames that arrived meanwhile. False when there are none (writing stops).</summary>
    private bool NextBatch(ref ArrayBufferWriter<byte> batch)
    {
        batch.ResetWrittenCount();
        bool complete;
        lock (_lock)
        {
            if (_pending.WrittenCount > 0 && !_outputCompleted)
            {
                (_pending, batch) = (batch, _pending);
                return true;
            }

            _spare = batch;
            _flushing = false;
            complete = _outputClosed && !_outputCompleted;
            _outputCompleted |= complete;
        }

        if (complete)
        {
            CompleteOutput();
        }

        return false;
    }

    private void OutputFailed(ArrayBufferWriter<byte> batch, Exception? e)
    {
        _logger.LogDebug("HTTP/2 connection {Id}: writing failed: {Message}", _connectionId, e?.Message ?? "the transport closed");
        batch.ResetWrittenCount();
        List<Http2Stream> open;
        lock (_lock)
        {
            _spare = batch;
            _flushing = false;
            _outputClosed = true;
            _outputCompleted = true;
            _pending.ResetWrittenCount();
            open = [.. _streams.Values];
        }

        foreach (var stream in open)
        {
            ResetStream(stream.Id, Http2ErrorCode.Cancel, sendReset: false, onReadLoop: false);
        }

        Abort(new ConnectionAbortedException("writing to the Restate connection failed", e ?? new IOException("the transport closed")));
    }

    // ------------------------------------------------------------------ transport operations

    /// <summary>Ends the read loop (it sees the end of its input).</summary>
    private void StopReading()
    {
        if (_socket is { } socket)
        {
            socket.StopReading();
        }
        else
        {
            _input!.CancelPendingRead();
        }
    }

    private void CompleteOutput()
    {
        if (_socket is { } socket)
        {
            socket.CompleteOutput();
        }
        else
        {
            _output!.Complete();
        }
    }

    /// <summary>Closes the transport at once; the read loop ends with an error and every open stream is reset.</summary>
    public void Abort(ConnectionAbortedException reason)
    {
        if (_socket is { } socket)
        {
            socket.Abort();
        }
        else
        {
            _connection!.Abort(reason);
        }
    }

    /// <summary>Graceful shutdown: GOAWAY, open streams finish, then the connection closes.</summary>
    public void RequestShutdown() => BeginShutdown();

    // ------------------------------------------------------------------ per-stream pieces

    /// <summary>One request/response exchange.</summary>
    internal sealed class Http2Stream(int id, int sendWindow)
    {
        public int Id { get; } = id;

        /// <summary>The request body; written by the read loop only, read by the invocation.</summary>
        public Pipe Body { get; } = new(BodyPipeOptions);

        public CancellationTokenSource Aborted { get; } = new();

        /// <summary>Cancels <see cref="Aborted"/>; a throwing callback registered on its token must not take the process down.</summary>
        public void Cancel()
        {
            try
            {
                Aborted.Cancel();
            }
            catch (AggregateException)
            {
            }
        }

        public long SendWindow = sendWindow;
        public long RecvWindow = StreamWindow;
        public int RecvCredit;
        public bool RequestEnded;
        public bool ReaderDone;
        public bool ResponseEnded;
        public bool Reset;
        public ArrayBufferWriter<byte>? Queued;
        public int QueuedOffset;
        public bool QueuedEnd;
        public TaskCompletionSource<FlushResult>? QueuedDone;
    }

    /// <summary>The invocation's response body: every write becomes DATA frames right away (no buffering beyond the call).</summary>
    private sealed class ResponseBodyWriter(RestateHttp2Connection connection, Http2Stream stream) : PipeWriter
    {
        private ArrayBufferWriter<byte>? _buffer;

        public override void Advance(int bytes) => _buffer!.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => (_buffer ??= new ArrayBufferWriter<byte>(512)).GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (_buffer ??= new ArrayBufferWriter<byte>(512)).GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_buffer is not { WrittenCount: > 0 })
            {
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: stream.Reset));
            }

            var result = connection.SendDataAsync(stream, _buffer.WrittenMemory, endStream: false);
            _buffer.ResetWrittenCount(); // SendDataAsync copied the bytes
            return result;
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            if (_buffer is { WrittenCount: > 0 })
            {
                _buffer.Write(source.Span);
                return FlushAsync(cancellationToken);
            }

            return connection.SendDataAsync(stream, source, endStream: false);
        }

        public override void CancelPendingFlush() => connection.CancelQueued(stream);

        public override void Complete(Exception? exception = null)
        {
            // The stream's owner ends the response (END_STREAM or RST_STREAM) once the invocation returns.
        }
    }

    /// <summary>
    /// Resumes the invocation's input reader. On a Kestrel connection: on the thread pool, preferring the current
    /// thread's local queue (the read loop runs inline on the transport's receive thread, which picks the work up as
    /// soon as it has re-armed its socket receive, so a slow handler step never holds up reading the connection). On a
    /// reader thread of RestateSocketTransport: collected and run when the batch is parsed (see RunDeferred).
    /// </summary>
    private sealed class BodyReaderScheduler : PipeScheduler
    {
        public static readonly BodyReaderScheduler Instance = new();

        public override void Schedule(Action<object?> action, object? state)
        {
            if (t_deferred is { } deferred)
            {
                deferred.Add((action, state)); // a reader thread parsing a batch: runs these when the batch is done
                return;
            }

            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: true);
        }
    }
}
