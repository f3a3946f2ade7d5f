using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>Awaits: parking, waking, cancellation delivery and suspension.</summary>
internal sealed partial class InvocationStateMachine
{
    /// <summary>Called by an awaiter whose future is not resolved: the handler is parked on it.</summary>
    public void Park(DurableFuture future, Action continuation)
    {
        var runNow = false;
        using (Gate())
        {
            if (_cancelPending && _phase != Phase.Closed && CancelPrecedesLocked(future))
            {
                if (TryCancelChildCallsLocked())
                {
                    if (_phase == Phase.Closed)
                    {
                        future.DeliverClosed = true;
                    }
                    else
                    {
                        _cancelPending = false;
                        future.DeliverCancel = true;
                    }

                    runNow = true;
                }
                else
                {
                    // The cancellation is observed once the invocation ids of the calls to cancel are known.
                    _parked.Add((future, continuation));
                    TrySuspendLocked();
                }
            }
            else if (future.IsResolved)
            {
                runNow = true;
            }
            else if (_phase == Phase.Closed)
            {
                future.DeliverClosed = true;
                runNow = true;
            }
            else
            {
                if (_phase == Phase.Replaying && !WaitsOnlyForExecutingRunsLocked(future))
                {
                    var msg = $"Journal mismatch at command index {_commandIndex}: the code awaits a result that the journal does not hold while " +
                              $"{_replay.Count - _replayPosition} recorded command(s) remain to replay (the next is {MessageTypes.Name(_replay.TypeAt(_replayPosition))}). " +
                              "An await was added or moved.";
                    FailLocked(ProtocolErrorCodes.JournalMismatch, msg, _commandIndex + 1, _replay.TypeAt(_replayPosition), null);
                    future.DeliverClosed = true;
                    runNow = true;
                }
                else
                {
                    _parked.Add((future, continuation));
                    TrySuspendLocked();
                }
            }
        }

        if (runNow)
        {
            Schedule(continuation);
        }
    }

    private bool WaitsOnlyForExecutingRunsLocked(DurableFuture future)
    {
        var pending = new List<Slot>();
        future.CollectPending(pending);
        foreach (var slot in pending)
        {
            if (slot.Kind != SlotKind.Completion || !_executingRuns.Contains(slot.Id))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether an await of <paramref name="future"/> observes a pending cancellation: it is unresolved, or its result
    /// arrived after the CANCEL signal. Results are numbered in arrival (= journal) order, so a replay decides the same.
    /// </summary>
    private bool CancelPrecedesLocked(DurableFuture future) => !future.IsResolved || future.ResolvedSequence > _cancelSequence;

    /// <summary>True when awaiting the already-resolved <paramref name="future"/> must throw the pending cancellation instead.</summary>
    internal bool CancelsResolved(DurableFuture future)
    {
        using (Gate())
        {
            return _cancelPending && _phase != Phase.Closed && future.IsResolved && future.ResolvedSequence > _cancelSequence;
        }
    }

    /// <summary>
    /// Cancels the calls this invocation made and that had not returned when the CANCEL signal arrived, by journaling a
    /// <c>SendSignal(CANCEL)</c> to each in call order (replayed like any command). False while an invocation id is unknown.
    /// </summary>
    private bool TryCancelChildCallsLocked()
    {
        if (_childrenCancelled)
        {
            return true;
        }

        foreach (var (id, result) in _childCalls)
        {
            if (id.Result is null && !ReturnedBeforeCancelLocked(result))
            {
                return false;
            }
        }

        _childrenCancelled = true;
        try
        {
            foreach (var (id, result) in _childCalls)
            {
                if (!ReturnedBeforeCancelLocked(result) && id.Result is { ResultCase: NotificationTemplate.ResultOneofCase.InvocationId } n)
                {
                    CommandLocked(MessageType.SendSignalCommand, new SendSignalCommandMessage
                    {
                        TargetInvocationId = n.InvocationId,
                        Idx = CancelSignalId,
                        Void = new Protocol.Messages.Void(),
                    }, out _);
                }
            }
        }
        catch (InvocationClosedException)
        {
            // Journal mismatch: the attempt is closed (the caller checks the phase).
        }

        return true;
    }

    private bool ReturnedBeforeCancelLocked(Slot result) => result.Result is not null && result.Sequence < _cancelSequence;

    private void WakeParkedLocked()
    {
        if (_cancelPending && _parked.Count > 0)
        {
            DeliverCancelLocked();
        }

        for (var i = _parked.Count - 1; i >= 0; i--)
        {
            var (future, continuation) = _parked[i];
            if (future.IsResolved && !(_cancelPending && future.ResolvedSequence > _cancelSequence))
            {
                _parked.RemoveAt(i);
                Schedule(continuation);
            }
        }
    }

    private void DeliverCancelLocked()
    {
        if (_parked.Count == 0)
        {
            return; // delivered at the next await of an unresolved future
        }

        if (!TryCancelChildCallsLocked())
        {
            TrySuspendLocked(); // waits for the callees' invocation ids
            return;
        }

        if (_phase == Phase.Closed)
        {
            return; // CloseLocked woke the parked awaits
        }

        _cancelPending = false;
        foreach (var (future, continuation) in _parked)
        {
            future.DeliverCancel = true;
            Schedule(continuation);
        }

        _parked.Clear();
    }

    /// <summary>Resumes a parked await (or the handler start) through the scheduler; never inline, the lock may be held.</summary>
    private void Schedule(Action continuation) => _scheduler.Schedule(continuation);

    /// <summary>Suspends when the handler waits on results, nothing is executing and no more input can arrive.</summary>
    private void TrySuspendLocked()
    {
        if (_phase is not (Phase.Processing or Phase.Replaying) || !_inputClosed || _executingRuns.Count > 0 || _parked.Count == 0)
        {
            return;
        }

        var pending = new List<Slot>();
        foreach (var (future, _) in _parked)
        {
            future.CollectPending(pending);
        }

        if (_cancelPending && !_childrenCancelled)
        {
            foreach (var (id, result) in _childCalls)
            {
                if (id.Result is null && !ReturnedBeforeCancelLocked(result))
                {
                    pending.Add(id);
                }
            }
        }

        var suspension = new SuspensionMessage();
        foreach (var slot in pending)
        {
            switch (slot.Kind)
            {
                case SlotKind.Completion:
                    if (!suspension.WaitingCompletions.Contains(slot.Id)) suspension.WaitingCompletions.Add(slot.Id);
                    break;
                case SlotKind.Signal:
                    if (!suspension.WaitingSignals.Contains(slot.Id)) suspension.WaitingSignals.Add(slot.Id);
                    break;
                case SlotKind.NamedSignal:
                    if (!suspension.WaitingNamedSignals.Contains(slot.Name)) suspension.WaitingNamedSignals.Add(slot.Name);
                    break;
            }
        }

        if (suspension.WaitingCompletions.Count + suspension.WaitingSignals.Count + suspension.WaitingNamedSignals.Count == 0)
        {
            return;
        }

        if (!_cancelReceived)
        {
            suspension.WaitingSignals.Add(CancelSignalId);
        }

        WriteLocked(MessageType.Suspension, suspension);
        CloseLocked(InvocationOutcome.Suspended);
    }
}
