using System.Buffers;
using System.IO.Pipelines;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>How an invocation attempt ended.</summary>
public enum InvocationOutcome
{
    /// <summary>Still running.</summary>
    None,

    /// <summary><c>End</c> after an output (success or terminal failure).</summary>
    Ended,

    /// <summary><c>Suspension</c>: Restate resumes the invocation when a awaited result arrives.</summary>
    Suspended,

    /// <summary><c>Error</c>: a retryable failure, journal mismatch or protocol violation; Restate retries.</summary>
    Failed,
}

/// <summary>
/// The V6 invocation state machine: Start, replay of known entries, processing, completions and signals in any order,
/// suspension, End and Error. One instance per invocation attempt. Thread-safe: protocol input (reader), handler
/// code and run closures call in from different threads; every transition happens under one lock (<see cref="Gate"/>).
/// Output is buffered under the lock and written by whichever thread leaves the lock first while no write is in flight
/// (one writer at a time), so a frame usually goes out on the thread that produced it. Results read from the input
/// resume the handler on the thread that read them while reading goes on elsewhere (<see cref="RunReaderAsync"/>). Both keep thread hand-offs per step low.
/// </summary>
internal sealed class InvocationStateMachine
{
    private enum Phase : byte
    {
        WaitingStart,
        WaitingReplayEntries,
        Replaying,
        Processing,
        Closed,
    }

    private const uint CancelSignalId = 1;
    private const uint FirstAwakeableSignalId = 17;

    private readonly object _gate = new();
    private readonly ILogSink _log;
    private Phase _phase = Phase.WaitingStart;

    // Replay.
    private StartMessage? _start;
    private uint _entriesToReceive;
    private readonly ReplayCommands _replay = new();
    private int _replayPosition;

    // Id allocation (identical between replay and processing).
    private uint _nextCompletionId = 1;
    private uint _nextSignalId = FirstAwakeableSignalId;
    private uint _commandIndex; // index of the last command; Input is 0

    // Results and waiters.
    private readonly SlotTable _completions = new(SlotKind.Completion);
    private readonly SlotTable _signals = new(SlotKind.Signal);
    private Dictionary<string, Slot>? _namedSignals;
    private long _resultSequence;
    private readonly List<(DurableFuture Future, Action Continuation)> _parked = [];
    private readonly HashSet<uint> _executingRuns = [];
    private bool _inputClosed;
    private bool _cancelReceived;
    private bool _cancelPending;
    private long _cancelSequence;
    private readonly CancellationTokenSource _cancellation = new();

    // Calls made by this invocation (invocation-id slot, result slot), cancelled with it (SC "implicit cancellation").
    private readonly List<(Slot InvocationId, Slot Result)> _childCalls = [];
    private bool _childrenCancelled;

    // Output.
    private ArrayBufferWriter<byte> _pending = new(1024);
    private ArrayBufferWriter<byte> _spare = new(1024);
    private bool _outputSignalled;          // frames or the close are waiting for the writer
    private bool _writing;                  // a thread is writing to _output (single writer)
    private bool _outputFinished;           // the terminal message is out, or the output failed
    private bool _holdOutput;               // a run closure is starting: its command waits for ReleaseOutput
    private PipeWriter? _output;
    private CancellationToken _outputToken;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Input. Continuations woken while a thread processes a batch of frames are collected (t_collectWakeups) and run
    // after the batch, the last one inline.
    private PipeReader? _input;
    private CancellationToken _inputToken;
    private bool _inputFailed;
    private ValueTask<ReadResult> _pendingRead;
    private Action? _onReadCompleted;
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    [ThreadStatic] private static List<Action>? t_collectWakeups;
    [ThreadStatic] private static List<Action>? t_spareWakeups;

    // Completed from the wake-up list (never under the lock), so the awaiting runner starts the handler on the thread
    // that read the journal, after the batch: no thread-pool hop before the handler's first step.
    private readonly TaskCompletionSource _ready = new();
    private readonly Action _completeReady;
    private readonly TaskCompletionSource<InvocationOutcome> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InvocationStateMachine(ILogSink? log = null)
    {
        _log = log ?? ILogSink.None;
        _completeReady = () => _ready.TrySetResult();
    }

    /// <summary>Completes when Start and all known entries have arrived and the handler may run (or the machine closed).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes with the outcome once a terminal message (End, Suspension, Error) has been buffered.</summary>
    public Task<InvocationOutcome> Closed => _closed.Task;

    public StartMessage Start => _start ?? throw new InvalidOperationException("No start message yet.");

    public InputCommandMessage Input { get; private set; } = new();

    public bool IsReplaying
    {
        get
        {
            using (Gate())
            {
                return _phase == Phase.Replaying;
            }
        }
    }

    public bool IsClosed
    {
        get
        {
            using (Gate())
            {
                return _phase == Phase.Closed;
            }
        }
    }

    /// <summary>Signalled when the CANCEL signal arrives.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    public string? LastError { get; private set; }

    // ------------------------------------------------------------------ input

    /// <summary>
    /// Reads frames from <paramref name="reader"/> until EOF, then marks the input closed. The loop is driven by the
    /// pipe's completions: after each batch of frames it registers for the next read first and only then resumes the
    /// handler continuations the batch woke (the last one inline, see <see cref="RunWakeups"/>). So the handler runs
    /// on the thread that read its result, yet the input keeps being read on another thread while handler code runs
    /// (a CANCEL signal reaches a closure that computes synchronously).
    /// </summary>
    public Task RunReaderAsync(PipeReader reader, CancellationToken cancellationToken = default)
    {
        _input = reader;
        _inputToken = cancellationToken;
        _onReadCompleted = () => ReadLoop(resumed: true);
        ReadLoop(resumed: false);
        return _readerDone.Task;
    }

    private void ReadLoop(bool resumed)
    {
        var wakeups = t_spareWakeups ?? new List<Action>(2);
        t_spareWakeups = null;
        var ended = false;
        try
        {
            while (true)
            {
                ReadResult read;
                if (resumed)
                {
                    resumed = false;
                    read = _pendingRead.GetAwaiter().GetResult();
                }
                else
                {
                    var next = _input!.ReadAsync(_inputToken);
                    if (!next.IsCompleted)
                    {
                        _pendingRead = next;
                        next.GetAwaiter().UnsafeOnCompleted(_onReadCompleted!);
                        break;
                    }

                    read = next.GetAwaiter().GetResult();
                }

                if (ProcessBatch(read, wakeups))
                {
                    ended = true;
                    break;
                }
            }
        }
        catch (Exception e)
        {
            if (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                _log.Debug($"input stream ended abruptly: {e.Message}");
            }
            else
            {
                _log.Warning($"reading the request failed: {e}");
            }

            ended = true;
        }

        if (ended)
        {
            try
            {
                _input!.Complete();
            }
            catch (Exception e)
            {
                // Kestrel's request reader rethrows the stream's failure (e.g. a reset) here; the input is over either way.
                _log.Debug($"completing the input: {e.Message}");
            }

            OnInputClosed();
            _readerDone.TrySetResult();
        }

        RunWakeups(wakeups);
    }

    /// <summary>Feeds one read's frames to the state machine. True when the input has ended.</summary>
    private bool ProcessBatch(ReadResult read, List<Action> wakeups)
    {
        var buffer = read.Buffer;
        if (!_inputFailed)
        {
            t_collectWakeups = wakeups;
            try
            {
                while (FrameCodec.TryReadFrame(ref buffer, out var header, out var payload))
                {
                    var message = FrameCodec.Decode(header.Type, payload);
                    OnMessage(header.Type, message);
                }
            }
            catch (ProtocolViolationException e)
            {
                _inputFailed = true;
                ProtocolViolation(e.Message);
            }
            finally
            {
                t_collectWakeups = null;
            }
        }

        if (_inputFailed)
        {
            buffer = buffer.Slice(buffer.End); // drain and discard
        }

        _input!.AdvanceTo(buffer.Start, buffer.End);
        if (read.IsCompleted || read.IsCanceled)
        {
            if (!_inputFailed && buffer.Length > 0)
            {
                ProtocolViolation($"input ended inside a frame ({buffer.Length} trailing bytes)");
            }

            return true;
        }

        return false;
    }

    /// <summary>Feeds one decoded message (exposed for unit tests).</summary>
    public void OnMessage(MessageType type, IMessage message)
    {
        using (Gate())
        {
            switch (_phase)
            {
                case Phase.Closed:
                    return;
                case Phase.WaitingStart:
                    if (message is not StartMessage start)
                    {
                        FailLocked(ProtocolErrorCodes.ProtocolViolation, $"expected StartMessage as the first message, got {MessageTypes.Name(type)}");
                        return;
                    }

                    if (start.KnownEntries == 0)
                    {
                        FailLocked(ProtocolErrorCodes.ProtocolViolation, "StartMessage.known_entries is 0; the journal must hold at least the input");
                        return;
                    }

                    _start = start;
                    _entriesToReceive = start.KnownEntries;
                    _phase = Phase.WaitingReplayEntries;
                    return;
                case Phase.WaitingReplayEntries:
                    if (MessageTypes.IsCommand(type))
                    {
                        if (_replay.Count == 0 && message is not InputCommandMessage)
                        {
                            FailLocked(ProtocolErrorCodes.ProtocolViolation, $"expected InputCommand as the first journal entry, got {MessageTypes.Name(type)}");
                            return;
                        }

                        _replay.Add(type, message);
                    }
                    else if (MessageTypes.IsNotification(type))
                    {
                        StoreNotificationLocked(type, (NotificationTemplate)message);
                        if (_phase == Phase.Closed)
                        {
                            return; // a malformed notification (571): do not reopen the attempt below
                        }
                    }
                    else
                    {
                        FailLocked(ProtocolErrorCodes.ProtocolViolation, $"unexpected {MessageTypes.Name(type)} among the journal entries");
                        return;
                    }

                    if (--_entriesToReceive == 0)
                    {
                        if (_replay.Count == 0)
                        {
                            FailLocked(ProtocolErrorCodes.ProtocolViolation, "the journal holds no InputCommand");
                            return;
                        }

                        Input = (InputCommandMessage)_replay.MessageAt(0);
                        _replayPosition = 1;
                        _phase = _replay.Count > 1 ? Phase.Replaying : Phase.Processing;
                        Schedule(_completeReady);
                    }

                    return;
                default:
                    if (MessageTypes.IsNotification(type))
                    {
                        StoreNotificationLocked(type, (NotificationTemplate)message);
                        WakeParkedLocked();
                    }
                    else if (type == MessageType.CommandAck)
                    {
                        // We never request acks in V6; ignore.
                    }
                    else
                    {
                        FailLocked(ProtocolErrorCodes.ProtocolViolation, $"unexpected {MessageTypes.Name(type)} after the known journal entries");
                    }

                    return;
            }
        }
    }

    /// <summary>The request body ended (RR mode right after the journal; bidi after the inactivity timeout or at the end).</summary>
    public void OnInputClosed()
    {
        using (Gate())
        {
            _inputClosed = true;
            if (_phase is Phase.WaitingStart or Phase.WaitingReplayEntries)
            {
                FailLocked(ProtocolErrorCodes.ProtocolViolation, _phase == Phase.WaitingStart
                    ? "input closed before the StartMessage"
                    : $"input closed with {_entriesToReceive} known journal entries still missing");
                return;
            }

            TrySuspendLocked();
        }
    }

    private void ProtocolViolation(string message)
    {
        using (Gate())
        {
            FailLocked(ProtocolErrorCodes.ProtocolViolation, message);
        }
    }

    private void StoreNotificationLocked(MessageType type, NotificationTemplate n)
    {
        Slot slot;
        switch (n.IdCase)
        {
            case NotificationTemplate.IdOneofCase.CompletionId:
                slot = _completions.GetOrCreate(n.CompletionId);
                break;
            case NotificationTemplate.IdOneofCase.SignalId:
                if (n.SignalId == CancelSignalId)
                {
                    if (!_cancelReceived)
                    {
                        _cancelReceived = true;
                        _cancelPending = true;
                        _cancelSequence = ++_resultSequence;
                        _cancellation.Cancel();
                        DeliverCancelLocked();
                    }

                    return;
                }

                slot = _signals.GetOrCreate(n.SignalId);
                break;
            case NotificationTemplate.IdOneofCase.SignalName:
                _namedSignals ??= [];
                if (!_namedSignals.TryGetValue(n.SignalName, out slot!))
                {
                    slot = new Slot(SlotKind.NamedSignal, 0, n.SignalName);
                    _namedSignals[n.SignalName] = slot;
                }

                break;
            default:
                FailLocked(ProtocolErrorCodes.ProtocolViolation, $"{MessageTypes.Name(type)} without an id");
                return;
        }

        if (slot.Result is null)
        {
            slot.Result = n;
            slot.Sequence = ++_resultSequence;
        }
    }

    // ------------------------------------------------------------------ commands

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
                          "The handler code changed in a way that is not replay-compatible with in-flight invocations.";
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

    // ------------------------------------------------------------------ awaiting

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

    /// <summary>
    /// Resumes a parked await. While a thread processes a batch of input frames the continuation is collected and run
    /// when the batch is done (see <see cref="RunWakeups"/>); elsewhere it goes to the thread pool.
    /// </summary>
    private static void Schedule(Action continuation)
    {
        if (t_collectWakeups is { } collect)
        {
            collect.Add(continuation);
            return;
        }

        QueueToPool(continuation);
    }

    /// <summary>Runs a continuation on the thread pool (global queue: the reading thread may be busy with the handler).</summary>
    internal static void QueueToPool(Action continuation)
        => ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    [ThreadStatic]
    private static bool t_readerThread;

    /// <summary>
    /// Marks the calling thread as a connection's reader thread (RestateSocketTransport), which may resume handler code
    /// inline: a watchdog moves reading elsewhere if that code holds the thread (see Hosting.Http2.InlineWatchdog).
    /// </summary>
    internal static void MarkReaderThread() => t_readerThread = true;

    /// <summary>
    /// Runs the continuations woken by a batch of frames: all but the last on the thread pool, the last one inline when
    /// this is a thread-pool thread (the common case of one handler waiting for one result: it resumes on the thread
    /// that read its result instead of waking another one). Never inline on another dedicated thread (e.g. the socket
    /// engine's), except a connection reader thread that the watchdog guards (<see cref="MarkReaderThread"/>).
    /// </summary>
    private static void RunWakeups(List<Action> wakeups)
    {
        var count = wakeups.Count;
        Action? last = null;
        if (count > 0)
        {
            for (var i = 0; i < count - 1; i++)
            {
                QueueToPool(wakeups[i]);
            }

            last = wakeups[count - 1];
            wakeups.Clear();
        }

        t_spareWakeups = wakeups;
        if (last is null)
        {
            return;
        }

        if (t_readerThread || Thread.CurrentThread.IsThreadPoolThread)
        {
            last();
        }
        else
        {
            QueueToPool(last);
        }
    }

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

    // ------------------------------------------------------------------ ending

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
        FrameCodec.WriteFrame(_pending, type, message);
        SignalOutputLocked();
    }

    /// <summary>Marks buffered output (or the close) for the writer; it is written when the gate is released.</summary>
    private void SignalOutputLocked() => _outputSignalled = true;

    /// <summary>
    /// Takes the gate. Leaving the outermost scope flushes buffered output on the leaving thread when no write is in
    /// flight, so a frame goes out on the thread that produced it (no hand-off to a writer task per message).
    /// </summary>
    private GateScope Gate()
    {
        Monitor.Enter(_gate);
        return new GateScope(this);
    }

    private readonly ref struct GateScope(InvocationStateMachine machine)
    {
        public void Dispose()
        {
            var flush = machine._outputSignalled && !machine._writing && !machine._holdOutput && machine._output is not null;
            Monitor.Exit(machine._gate);
            if (flush && !Monitor.IsEntered(machine._gate))
            {
                machine.FlushOutput();
            }
        }
    }

    /// <summary>Writes buffered frames to <paramref name="writer"/> until the terminal message is out (or the output fails).</summary>
    public async Task RunWriterAsync(PipeWriter writer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _output = writer;
            _outputToken = cancellationToken;
        }

        using (cancellationToken.Register(static m => ((InvocationStateMachine)m!).OutputAborted(), this))
        {
            FlushOutput();
            await _writerDone.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Called once a run closure has returned (finished, or awaiting its first asynchronous operation): writes the
    /// held <c>RunCommand</c>, together with the proposal when the closure finished synchronously (one frame batch per
    /// step instead of two).
    /// </summary>
    public void ReleaseOutput()
    {
        using (Gate())
        {
            _holdOutput = false; // leaving the gate writes what was held
        }
    }

    /// <summary>Becomes the writer if nobody is writing and there is something to write; writes until nothing is left.</summary>
    private void FlushOutput()
    {
        ArrayBufferWriter<byte> batch;
        bool closed;
        lock (_gate)
        {
            if (_writing || _holdOutput || _output is null || !TakeBatchLocked(out batch, out closed))
            {
                return;
            }

            _writing = true;
        }

        Drain(batch, closed);
    }

    /// <summary>Swaps the pending buffer out for writing. False when there is nothing to do.</summary>
    private bool TakeBatchLocked(out ArrayBufferWriter<byte> batch, out bool closed)
    {
        batch = _pending;
        closed = _phase == Phase.Closed;
        if (!_outputSignalled || _outputFinished)
        {
            return false;
        }

        _pending = _spare;
        _spare = batch;
        _outputSignalled = false;
        return true;
    }

    /// <summary>The single writer's loop. Synchronous while the pipe accepts writes synchronously (the common case).</summary>
    private void Drain(ArrayBufferWriter<byte> batch, bool closed)
    {
        while (true)
        {
            if (batch.WrittenCount > 0)
            {
                ValueTask<FlushResult> write;
                try
                {
                    write = _output!.WriteAsync(batch.WrittenMemory, _outputToken);
                }
                catch (Exception e)
                {
                    OutputFailed(e);
                    return;
                }

                if (!write.IsCompletedSuccessfully)
                {
                    _ = DrainAfterAsync(write, batch, closed);
                    return;
                }

                batch.ResetWrittenCount();
                if (write.Result.IsCompleted)
                {
                    OutputFailed(null);
                    return;
                }
            }

            lock (_gate)
            {
                if (closed)
                {
                    _outputFinished = true;
                    _writing = false;
                    _writerDone.TrySetResult();
                    return;
                }

                if (!TakeBatchLocked(out batch, out closed))
                {
                    _writing = false;
                    return;
                }
            }
        }
    }

    private async Task DrainAfterAsync(ValueTask<FlushResult> write, ArrayBufferWriter<byte> batch, bool closed)
    {
        try
        {
            var result = await write.ConfigureAwait(false);
            batch.ResetWrittenCount();
            if (result.IsCompleted)
            {
                OutputFailed(null);
                return;
            }
        }
        catch (Exception e)
        {
            OutputFailed(e);
            return;
        }

        Drain(batch, closed);
    }

    /// <summary>The response can no longer be written (client gone, request aborted): the attempt ends as failed.</summary>
    private void OutputFailed(Exception? e)
    {
        if (e is not (null or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException))
        {
            _log.Warning($"writing the response failed: {e}");
        }
        else
        {
            _log.Debug($"output stream ended abruptly: {e?.Message ?? "the response was completed"}");
        }

        lock (_gate)
        {
            _outputFinished = true;
            _writing = false;
            _spare.ResetWrittenCount();
            _pending.ResetWrittenCount();
            if (_phase != Phase.Closed)
            {
                CloseLocked(InvocationOutcome.Failed);
            }

            _writerDone.TrySetResult();
        }
    }

    /// <summary>The request was aborted: end the attempt; a write in flight fails with the token, or the writer finishes now.</summary>
    private void OutputAborted()
    {
        using (Gate())
        {
            if (_phase != Phase.Closed)
            {
                _log.Debug("output stream ended abruptly: the request was aborted");
                CloseLocked(InvocationOutcome.Failed);
            }
        }
    }

    // ------------------------------------------------------------------ helpers for the context

    /// <summary>Info for the retry policy of a run whose command was replayed without a result.</summary>
    public (uint RetryCount, TimeSpan Elapsed) PreviousAttempts(bool replayed)
        => replayed && _start is not null
            ? (_start.RetryCountSinceLastStoredEntry, _start.RetryCountSinceLastStoredEntry == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(_start.DurationSinceLastStoredEntry))
            : (0u, TimeSpan.Zero);

}

/// <summary>Minimal logging hook so the state machine does not depend on a logging framework.</summary>
internal interface ILogSink
{
    static readonly ILogSink None = new NoLog();

    void Debug(string message);

    void Warning(string message);

    private sealed class NoLog : ILogSink
    {
        public void Debug(string message) { }

        public void Warning(string message) { }
    }
}
