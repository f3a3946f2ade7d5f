using System.Buffers;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>
/// The V6 invocation state machine: Start, replay of known entries, processing, completions and signals in any order,
/// suspension, End and Error. One instance per invocation attempt. It does no I/O and picks no thread: the transport
/// feeds it input bytes (<see cref="NotifyInput(ref ReadOnlySequence{byte})"/>, <see cref="NotifyInputClosed"/>), takes its output frames
/// (<see cref="TryTakeOutput"/>, announced through <see cref="AttachOutput"/>), and runs the continuations it wakes
/// (an <see cref="IWakeupScheduler"/>). Handler code calls the command methods; awaits park on it
/// (<see cref="Park"/>). Thread-safe: input, handler code and run closures call in from different threads, and every
/// transition happens under one lock (<see cref="Gate"/>).
/// </summary>
internal sealed partial class InvocationStateMachine
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
    private readonly IWakeupScheduler _scheduler;
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
    private bool _inputFailed;
    private bool _cancelReceived;
    private bool _cancelPending;
    private long _cancelSequence;
    private readonly CancellationTokenSource _cancellation = new();

    // Version gates answered in this attempt (patch id -> answer): a second IsPatched of the same id repeats the first.
    private Dictionary<string, bool>? _patches;

    // Calls made by this invocation (invocation-id slot, result slot), cancelled with it (SC "implicit cancellation").
    private readonly List<(Slot InvocationId, Slot Result)> _childCalls = [];
    private bool _childrenCancelled;

    // Output: frames are encoded into _pending under the lock; TryTakeOutput swaps it with _spare.
    private ArrayBufferWriter<byte> _pending = new(1024);
    private ArrayBufferWriter<byte> _spare = new(1024);
    private bool _outputSignalled;          // frames or the close are waiting to be taken
    private bool _outputClaimed;            // a consumer was told and takes output until TryTakeOutput returns false
    private bool _outputFinished;           // the terminal message was taken, or the output failed
    private bool _holdOutput;               // a run closure is starting: its command waits for ReleaseOutput
    private Action? _outputAvailable;

    private readonly TaskCompletionSource _ready = new();
    private readonly Action _completeReady;
    private readonly TaskCompletionSource<InvocationOutcome> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InvocationStateMachine(ILogSink? log = null, IWakeupScheduler? scheduler = null)
    {
        _log = log ?? ILogSink.None;
        _scheduler = scheduler ?? IWakeupScheduler.ThreadPool;
        _completeReady = () => _ready.TrySetResult();
    }

    /// <summary>
    /// Completes when Start and all known entries have arrived and the handler may run (or the machine closed). Completed
    /// by a continuation handed to the scheduler, so whoever awaits it starts the handler outside the lock.
    /// </summary>
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
    /// Feeds input bytes: every complete frame at the start of <paramref name="buffer"/> is decoded and applied, and
    /// <paramref name="buffer"/> is advanced past them (an incomplete frame stays for the next call). After a protocol
    /// violation (571) the rest is consumed and discarded. Continuations the frames wake go to the scheduler.
    /// </summary>
    public void NotifyInput(ref ReadOnlySequence<byte> buffer)
    {
        if (_inputFailed)
        {
            buffer = buffer.Slice(buffer.End);
            return;
        }

        try
        {
            while (FrameCodec.TryReadFrame(ref buffer, out var header, out var payload))
            {
                OnMessage(header.Type, FrameCodec.Decode(header.Type, payload));
            }
        }
        catch (ProtocolViolationException e)
        {
            _inputFailed = true;
            buffer = buffer.Slice(buffer.End);
            ProtocolViolation(e.Message);
        }
    }

    /// <summary>Feeds input bytes held in one buffer; returns how many bytes were consumed.</summary>
    public int NotifyInput(ReadOnlyMemory<byte> bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        NotifyInput(ref buffer);
        return bytes.Length - (int)buffer.Length;
    }

    /// <summary>
    /// The input ended (request-response mode: right after the journal; bidi: when Restate closes the stream).
    /// <paramref name="trailingBytes"/> is what was left unconsumed: a frame cut short is a protocol violation.
    /// </summary>
    public void NotifyInputClosed(long trailingBytes = 0)
    {
        if (!_inputFailed && trailingBytes > 0)
        {
            _inputFailed = true;
            ProtocolViolation($"input ended inside a frame ({trailingBytes} trailing bytes)");
        }

        OnInputClosed();
    }

    /// <summary>Feeds one decoded message.</summary>
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
    private void OnInputClosed()
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
}
