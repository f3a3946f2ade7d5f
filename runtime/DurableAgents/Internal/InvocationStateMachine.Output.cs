using System.Buffers;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>Ending the attempt and handing its output frames to the transport.</summary>
internal sealed partial class InvocationStateMachine
{
    /// <summary>The handler returned: journal the output and end.</summary>
    public void Complete(ReadOnlyMemory<byte> output)
    {
        using (Gate())
        {
            if (_phase == Phase.Closed)
            {
                return;
            }

            try
            {
                CommandLocked(MessageType.OutputCommand, new OutputCommandMessage { Value = new Value { Content = UnsafeByteOperations.UnsafeWrap(output) } }, out _);
            }
            catch (InvocationClosedException)
            {
                return;
            }

            WriteLocked(MessageType.End, null);
            CloseLocked(InvocationOutcome.Ended);
        }
    }

    /// <summary>The handler threw.</summary>
    public void Fail(Exception exception)
    {
        using (Gate())
        {
            if (_phase == Phase.Closed)
            {
                return;
            }

            if (exception is TerminalException terminal)
            {
                try
                {
                    CommandLocked(MessageType.OutputCommand, new OutputCommandMessage { Failure = Failures.FromException(terminal) }, out _);
                }
                catch (InvocationClosedException)
                {
                    return;
                }

                WriteLocked(MessageType.End, null);
                CloseLocked(InvocationOutcome.Ended);
                return;
            }

            if (exception is InvocationClosedException)
            {
                // Only thrown once closed; a user-made one is a bug: treat as retryable.
                FailLocked(ProtocolErrorCodes.InternalError, exception.Message);
                return;
            }

            FailLocked(ProtocolErrorCodes.InternalError, $"{exception.GetType().Name}: {exception.Message}", stacktrace: exception.ToString());
        }
    }

    private void FailLocked(ushort code, string message, uint? relatedIndex = null, MessageType? relatedType = null, string? relatedName = null,
        string? stacktrace = null, TimeSpan? nextRetryDelay = null)
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        var error = new ErrorMessage { Code = code, Message = message };
        if (stacktrace is not null) error.Stacktrace = stacktrace;
        if (relatedIndex is { } i) error.RelatedCommandIndex = i;
        if (relatedType is { } t) error.RelatedCommandType = (ushort)t;
        if (!string.IsNullOrEmpty(relatedName)) error.RelatedCommandName = relatedName;
        if (nextRetryDelay is { } d) error.NextRetryDelay = (ulong)Math.Max(0, d.TotalMilliseconds);
        LastError = $"[{code}] {message}";
        _log.Warning($"invocation attempt failed: [{code}] {message}");
        WriteLocked(MessageType.Error, error);
        CloseLocked(InvocationOutcome.Failed);
    }

    private void CloseLocked(InvocationOutcome outcome)
    {
        _phase = Phase.Closed;
        foreach (var (future, continuation) in _parked)
        {
            future.DeliverClosed = true;
            Schedule(continuation);
        }

        _parked.Clear();
        if (!_ready.Task.IsCompleted)
        {
            Schedule(_completeReady);
        }

        _closed.TrySetResult(outcome);
        SignalOutputLocked();
    }

    private void ThrowIfClosedLocked()
    {
        if (_phase == Phase.Closed)
        {
            throw new InvocationClosedException("The invocation attempt has ended; no further durable operations run in this attempt.");
        }
    }

    // ------------------------------------------------------------------ output

    private void WriteLocked(MessageType type, IMessage? message)
    {
        if (_outputFinished)
        {
            return; // nobody takes output any more
        }

        FrameCodec.WriteFrame(_pending, type, message);
        SignalOutputLocked();
    }

    /// <summary>Marks buffered output (or the close) as ready to take; the consumer is told when the gate is released.</summary>
    private void SignalOutputLocked() => _outputSignalled = true;

    /// <summary>
    /// Registers the consumer of the output. <paramref name="outputAvailable"/> is called, outside the lock and on the
    /// thread that produced the output, when frames are ready and no call is outstanding; from then on the callee owns
    /// the output and calls <see cref="TryTakeOutput"/> until it returns false. True when output is ready already
    /// (the caller owns it now, as if told).
    /// </summary>
    public bool AttachOutput(Action outputAvailable)
    {
        lock (_gate)
        {
            _outputAvailable = outputAvailable;
            return ClaimOutputLocked() is not null;
        }
    }

    /// <summary>
    /// Takes the frames written since the last call (valid until the next call). <paramref name="final"/> is true for
    /// the batch that holds the terminal message (End, Suspension or Error): nothing follows it. False when there is
    /// nothing to take; the output's owner is then told again when more is ready.
    /// </summary>
    public bool TryTakeOutput(out ReadOnlyMemory<byte> frames, out bool final)
    {
        lock (_gate)
        {
            _spare.ResetWrittenCount(); // the previous batch has been consumed
            if (!_outputSignalled || _outputFinished || _holdOutput)
            {
                _outputClaimed = false;
                frames = default;
                final = false;
                return false;
            }

            (_pending, _spare) = (_spare, _pending);
            _outputSignalled = false;
            final = _phase == Phase.Closed;
            _outputFinished = final;
            frames = _spare.WrittenMemory;
            return true;
        }
    }

    /// <summary>Takes every frame ready now as one array (tests and tools; the transport uses <see cref="TryTakeOutput"/>).</summary>
    public byte[] TakeOutput()
    {
        var all = new ArrayBufferWriter<byte>();
        while (TryTakeOutput(out var frames, out _))
        {
            all.Write(frames.Span);
        }

        return all.WrittenSpan.ToArray();
    }

    /// <summary>The response can no longer be written (client gone, write failed): the attempt ends as failed.</summary>
    public void NotifyOutputFailed()
    {
        lock (_gate)
        {
            _outputFinished = true;
            _spare.ResetWrittenCount();
            _pending.ResetWrittenCount();
            if (_phase != Phase.Closed)
            {
                CloseLocked(InvocationOutcome.Failed);
            }
        }
    }

    /// <summary>The request was aborted: the attempt ends as failed (its close is still offered as output).</summary>
    public void NotifyAborted()
    {
        using (Gate())
        {
            if (_phase != Phase.Closed)
            {
                _log.Debug("the request was aborted");
                CloseLocked(InvocationOutcome.Failed);
            }
        }
    }

    /// <summary>
    /// Called once a run closure has returned (finished, or awaiting its first asynchronous operation): releases the
    /// held <c>RunCommand</c>, together with the proposal when the closure finished synchronously (one frame batch per
    /// step instead of two).
    /// </summary>
    public void ReleaseOutput()
    {
        using (Gate())
        {
            _holdOutput = false; // leaving the gate offers what was held
        }
    }

    /// <summary>The consumer to tell about ready output, claimed for it; null when it need not be told.</summary>
    private Action? ClaimOutputLocked()
    {
        if (!_outputSignalled || _outputClaimed || _holdOutput || _outputFinished || _outputAvailable is null)
        {
            return null;
        }

        _outputClaimed = true;
        return _outputAvailable;
    }

    /// <summary>
    /// Takes the gate. Leaving the outermost scope tells the output's consumer about ready frames, on the leaving
    /// thread, so a frame usually goes out on the thread that produced it (no hand-off per message).
    /// </summary>
    private GateScope Gate()
    {
        Monitor.Enter(_gate);
        _gateDepth++;
        return new GateScope(this);
    }

    private int _gateDepth;

    private readonly ref struct GateScope(InvocationStateMachine machine)
    {
        public void Dispose()
        {
            var notify = --machine._gateDepth == 0 ? machine.ClaimOutputLocked() : null;
            Monitor.Exit(machine._gate);
            notify?.Invoke();
        }
    }
}
