using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace DurableAgents.Hosting.Edge;

/// <summary>
/// The connection's input as Kestrel sees it: every byte passes through unchanged, and each byte is shown to the
/// <see cref="Http2FrameMeter"/> once, when a read first returns it. A read that completes a violation throws
/// <see cref="ConnectionAbortedException"/> (Kestrel then closes the connection); a timer aborts a connection whose
/// header deadline passes while it is silent.
/// </summary>
internal sealed class MeteredPipeReader : PipeReader, IDisposable
{
    private readonly PipeReader _inner;
    private readonly Http2FrameMeter _meter;
    private readonly Action<string, bool> _abort;
    private readonly Timer _timer;
    private ReadOnlySequence<byte> _last;
    private long _consumed;
    private long _scanned;
    private long? _armedDeadline;
    private bool _aborted;
    private bool _disposed;

    public MeteredPipeReader(PipeReader inner, Http2FrameMeter meter, Action<string, bool> abort)
    {
        _inner = inner;
        _meter = meter;
        _abort = abort;
        _timer = new Timer(static s => ((MeteredPipeReader)s!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        lock (_meter)
        {
            Arm();
        }
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = _inner.ReadAsync(cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            var result = read.Result;
            Inspect(result);
            return new ValueTask<ReadResult>(result);
        }

        return AwaitAndInspectAsync(read);
    }

    private async ValueTask<ReadResult> AwaitAndInspectAsync(ValueTask<ReadResult> read)
    {
        var result = await read.ConfigureAwait(false);
        Inspect(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        Inspect(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (!_meter.IsPassThrough)
        {
            _consumed += _last.Slice(_last.Start, consumed).Length;
        }

        _last = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        Dispose();
        _inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Dispose();
        return _inner.CompleteAsync(exception);
    }

    public void Dispose()
    {
        lock (_meter)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private void Inspect(ReadResult result)
    {
        _last = result.Buffer;
        if (_meter.IsPassThrough)
        {
            return;
        }

        string? violation = null;
        lock (_meter)
        {
            var offset = _scanned - _consumed;
            if (offset < result.Buffer.Length)
            {
                var now = Environment.TickCount64;
                var fresh = result.Buffer.Slice(offset);
                _scanned += fresh.Length;
                foreach (var segment in fresh)
                {
                    if (!_meter.Feed(segment.Span, now) || _meter.IsPassThrough)
                    {
                        break;
                    }
                }

                violation = _meter.Violation;
                Arm();
            }
        }

        if (violation is not null)
        {
            Abort(violation);
            throw new ConnectionAbortedException("HTTP/2 connection guard: " + violation);
        }
    }

    /// <summary>Points the timer at the meter's deadline when it moved. Called under the meter's lock.</summary>
    private void Arm()
    {
        var deadline = _meter.Deadline;
        if (_disposed || deadline == _armedDeadline)
        {
            return;
        }

        _armedDeadline = deadline;
        if (deadline is { } d)
        {
            _timer.Change(Math.Max(0, d - Environment.TickCount64), Timeout.Infinite);
        }
        else
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    private void OnTimer()
    {
        string? violation;
        lock (_meter)
        {
            if (!_meter.CheckDeadline(Environment.TickCount64))
            {
                _armedDeadline = null;
                Arm();
                return;
            }

            violation = _meter.Violation;
        }

        Abort(violation!);
    }

    private void Abort(string violation)
    {
        lock (_meter)
        {
            if (_aborted)
            {
                return;
            }

            _aborted = true;
        }

        _abort(violation, _meter.IsTimeout);
    }
}
