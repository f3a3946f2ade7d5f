using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>The commands handler code journals (run, calls, state, signals...).</summary>
internal sealed partial class InvocationStateMachine
{
    public (uint SignalId, Slot Slot) AllocateSignal()
    {
        using (Gate())
        {
            var id = _nextSignalId++;
            return (id, _signals.GetOrCreate(id));
        }
    }

    /// <summary>
    /// Journals a command. Replaying: the recorded command at this position is checked against it (570 on mismatch)
    /// and returned. Processing: the command is written and returned.
    /// </summary>
    public IMessage Command(MessageType type, IMessage command)
    {
        using (Gate())
        {
            return CommandLocked(type, command, out _);
        }
    }

    private IMessage CommandLocked(MessageType type, IMessage command, out bool replayed)
    {
        ThrowIfClosedLocked();
        _commandIndex++;
        if (_phase == Phase.Replaying)
        {
            var recordedType = _replay.TypeAt(_replayPosition);
            var recorded = _replay.MessageAt(_replayPosition);
            if (!CommandMatcher.Matches(type, command, recordedType, recorded, out var difference))
            {
                var msg = $"Journal mismatch at command index {_commandIndex}: the journal has {MessageTypes.Name(recordedType)} {CommandMatcher.Describe(recorded)} " +
                          $"but the code now performs {MessageTypes.Name(type)} {CommandMatcher.Describe(command)}{difference}. " +
                          "The handler code changed in a way that is not replay-compatible with in-flight invocations." + PatchMarkerHint(recorded);
                FailLocked(ProtocolErrorCodes.JournalMismatch, msg, _commandIndex, type, CommandMatcher.NameOf(command));
                throw new InvocationClosedException(msg);
            }

            _replay.Release(_replayPosition++); // the caller has it now; a long journal shrinks as it replays
            if (_replayPosition == _replay.Count)
            {
                _phase = Phase.Processing;
            }

            replayed = true;
            return recorded;
        }

        WriteLocked(type, command);
        replayed = false;
        return command;
    }

    /// <summary>Journals a command that carries a completion id and returns the slot its result arrives in.</summary>
    public Slot CompletableCommand(MessageType type, Func<uint, IMessage> build)
    {
        using (Gate())
        {
            ThrowIfClosedLocked();
            var id = _nextCompletionId++;
            CommandLocked(type, build(id), out _);
            return _completions.GetOrCreate(id);
        }
    }

    /// <summary>Journals a call (two completion ids: invocation id, then result).</summary>
    public (Slot InvocationId, Slot Result) CallCommand(Func<uint, uint, IMessage> build)
    {
        using (Gate())
        {
            ThrowIfClosedLocked();
            var idSlot = _nextCompletionId++;
            var resultSlot = _nextCompletionId++;
            CommandLocked(MessageType.CallCommand, build(idSlot, resultSlot), out _);
            var slots = (_completions.GetOrCreate(idSlot), _completions.GetOrCreate(resultSlot));
            _childCalls.Add(slots);
            return slots;
        }
    }

    /// <summary>
    /// A state read. Like the reference state machine it always consumes a completion id. Replaying: whatever the journal
    /// recorded (eager value inline, or a lazy read with a completion) wins. Processing: eager when the local view
    /// knows the answer, else lazy.
    /// </summary>
    public (IMessage? Recorded, Slot? Slot) StateRead(MessageType eagerType, IMessage? eager, MessageType lazyType, Func<uint, IMessage> lazy, Func<IMessage> eagerProbe)
    {
        using (Gate())
        {
            ThrowIfClosedLocked();
            var id = _nextCompletionId++;
            if (_phase == Phase.Replaying && _replay.TypeAt(_replayPosition) == eagerType)
            {
                return (CommandLocked(eagerType, eager ?? eagerProbe(), out _), null);
            }

            if (_phase == Phase.Replaying || eager is null)
            {
                CommandLocked(lazyType, lazy(id), out _);
                return (null, _completions.GetOrCreate(id));
            }

            return (CommandLocked(eagerType, eager, out _), null);
        }
    }

    /// <summary>Journals a one-way call (one completion id: the invocation id).</summary>
    public Slot OneWayCallCommand(Func<uint, IMessage> build)
        => CompletableCommand(MessageType.OneWayCallCommand, build);

    /// <summary>
    /// Journals a <c>RunCommand</c>. Returns the result slot, whether the closure must execute now (no recorded
    /// result), the command index and whether the command was replayed.
    /// </summary>
    public (Slot Slot, bool Execute, uint CommandIndex, bool Replayed) RunCommand(string name)
    {
        using (Gate())
        {
            ThrowIfClosedLocked();
            var id = _nextCompletionId++;
            CommandLocked(MessageType.RunCommand, new RunCommandMessage { ResultCompletionId = id, Name = name }, out var replayed);
            var slot = _completions.GetOrCreate(id);
            var execute = slot.Result is null;
            if (execute)
            {
                _executingRuns.Add(id);
                _holdOutput = true; // sent with the proposal when the closure finishes synchronously; see ReleaseOutput
            }

            return (slot, execute, _commandIndex, replayed);
        }
    }

    /// <summary>Sends the result of an executed run closure; the run's value is returned to user code only after Restate journaled it.</summary>
    public void ProposeRunCompletion(uint completionId, ProposeRunCompletionMessage proposal)
    {
        using (Gate())
        {
            _executingRuns.Remove(completionId);
            if (_phase == Phase.Closed)
            {
                return;
            }

            proposal.ResultCompletionId = completionId;
            WriteLocked(MessageType.ProposeRunCompletion, proposal);
            TrySuspendLocked();
        }
    }

    /// <summary>A run closure failed with a retryable error and its policy allows another attempt: fail the attempt.</summary>
    public void RunFailedRetryable(uint completionId, uint commandIndex, string name, Exception error, TimeSpan? nextRetryDelay)
    {
        using (Gate())
        {
            _executingRuns.Remove(completionId);
            if (_phase == Phase.Closed)
            {
                return;
            }

            FailLocked(ProtocolErrorCodes.InternalError, $"Run '{name}' failed: {error.GetType().Name}: {error.Message}", commandIndex, MessageType.RunCommand, name,
                error.ToString(), nextRetryDelay);
        }
    }

    /// <summary>A run closure stopped because the attempt closed meanwhile.</summary>
    public void RunAbandoned(uint completionId)
    {
        using (Gate())
        {
            _executingRuns.Remove(completionId);
            TrySuspendLocked();
        }
    }

    /// <summary>Info for the retry policy of a run whose command was replayed without a result.</summary>
    public (uint RetryCount, TimeSpan Elapsed) PreviousAttempts(bool replayed)
        => replayed && _start is not null
            ? (_start.RetryCountSinceLastStoredEntry, _start.RetryCountSinceLastStoredEntry == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(_start.DurationSinceLastStoredEntry))
            : (0u, TimeSpan.Zero);
}
