using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Observability;

namespace DurableAgents.Hosting;

/// <summary>
/// Runs one invocation attempt over a request/response pipe pair: reads the request body into the state machine,
/// writes the frames it produces to the response, and decides on which thread woken handler code resumes. The state
/// machine itself does no I/O; this is the only place that connects it to a stream.
/// </summary>
internal sealed class InvocationTransport
{
    /// <summary>
    /// The scheduler for machines served by a transport: a continuation woken while a thread applies a batch of input
    /// frames is collected and run after the batch (see <see cref="RunWakeups"/>); anywhere else it goes to the pool.
    /// </summary>
    public static readonly IWakeupScheduler Scheduler = new BatchScheduler();

    [ThreadStatic] private static List<Action>? t_collectWakeups;
    [ThreadStatic] private static List<Action>? t_spareWakeups;

    private readonly InvocationStateMachine _machine;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ILogSink _log;
    private readonly CancellationToken _token;
    private readonly Action _onReadCompleted;
    private readonly Action _onOutputAvailable;
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ValueTask<ReadResult> _pendingRead;

    private InvocationTransport(InvocationStateMachine machine, PipeReader input, PipeWriter output, ILogSink log, CancellationToken token)
    {
        _machine = machine;
        _input = input;
        _output = output;
        _log = log;
        _token = token;
        _onReadCompleted = () => ReadLoop(resumed: true);
        _onOutputAvailable = Drain;
    }

    /// <summary>Runs the attempt: Start and the journal in, the handler, the output out, until the request stream ends.</summary>
    public static async Task<InvocationOutcome> RunAsync(PipeReader input, PipeWriter output, ServiceDefinition service, HandlerDefinition handler,
        JsonSerializerOptions jsonOptions, IServiceProvider services, TimeSpan drainTimeout, ILogSink? log, CancellationToken cancellationToken)
    {
        using var activity = DurableAgentsTelemetry.StartInvocation(service, handler);
        log ??= ILogSink.None;
        var machine = new InvocationStateMachine(log, Scheduler);
        var transport = new InvocationTransport(machine, input, output, log, cancellationToken);
        using (cancellationToken.Register(static m => ((InvocationStateMachine)m!).NotifyAborted(), machine))
        {
            if (machine.AttachOutput(transport._onOutputAvailable))
            {
                transport.Drain();
            }

            transport.ReadLoop(resumed: false);

            await machine.Ready.ConfigureAwait(false);
            DurableAgentsTelemetry.InvocationStarted(activity, machine);
            if (!machine.IsClosed)
            {
                // Ready completes from the wake-up list of the batch that finished the journal, on the thread that read
                // it and outside the state machine's lock: start the handler right here, without a thread-pool hop.
                _ = InvocationRunner.StartHandler(machine, service, handler, jsonOptions, services);
            }

            var outcome = await machine.Closed.ConfigureAwait(false);
            DurableAgentsTelemetry.InvocationEnded(activity, outcome, machine.LastError);
            await transport._writerDone.Task.ConfigureAwait(false);

            // Drain the request to EOF before ending the response (the server closes it after our final message).
            // WaitAsync's timer goes away with the wait (a Task.Delay would stay queued for the whole timeout).
            try
            {
                await transport._readerDone.Task.WaitAsync(drainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                log.Warning($"Restate did not close the request stream of {service.Name}/{handler.Name} within {drainTimeout}");
            }

            return outcome;
        }
    }

    // ------------------------------------------------------------------ input

    /// <summary>
    /// Reads frames until EOF. Driven by the pipe's completions: after each batch it registers for the next read first
    /// and only then resumes the continuations the batch woke (the last one inline, see <see cref="RunWakeups"/>). So
    /// the handler runs on the thread that read its result, while the input goes on being read elsewhere (a CANCEL
    /// signal reaches a closure that computes synchronously).
    /// </summary>
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
                    var next = _input.ReadAsync(_token);
                    if (!next.IsCompleted)
                    {
                        _pendingRead = next;
                        next.GetAwaiter().UnsafeOnCompleted(_onReadCompleted);
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

            _machine.NotifyInputClosed();
            ended = true;
        }

        if (ended)
        {
            try
            {
                _input.Complete();
            }
            catch (Exception e)
            {
                // Kestrel's request reader rethrows the stream's failure (e.g. a reset) here; the input is over either way.
                _log.Debug($"completing the input: {e.Message}");
            }

            _readerDone.TrySetResult();
        }

        RunWakeups(wakeups);
    }

    /// <summary>Feeds one read's frames to the state machine. True when the input has ended.</summary>
    private bool ProcessBatch(ReadResult read, List<Action> wakeups)
    {
        var buffer = read.Buffer;
        t_collectWakeups = wakeups;
        try
        {
            _machine.NotifyInput(ref buffer);
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                _machine.NotifyInputClosed(buffer.Length);
                return true;
            }

            return false;
        }
        finally
        {
            t_collectWakeups = null;
        }
    }

    /// <summary>
    /// Runs the continuations woken by a batch of frames: all but the last on the thread pool, the last one inline when
    /// this is a thread-pool thread (the common case of one handler waiting for one result: it resumes on the thread
    /// that read its result instead of waking another one). Never inline on a dedicated thread (e.g. a socket engine's).
    /// </summary>
    private static void RunWakeups(List<Action> wakeups)
    {
        var count = wakeups.Count;
        Action? last = null;
        if (count > 0)
        {
            for (var i = 0; i < count - 1; i++)
            {
                IWakeupScheduler.QueueToPool(wakeups[i]);
            }

            last = wakeups[count - 1];
            wakeups.Clear();
        }

        t_spareWakeups = wakeups;
        if (last is null)
        {
            return;
        }

        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            last();
        }
        else
        {
            IWakeupScheduler.QueueToPool(last);
        }
    }

    private sealed class BatchScheduler : IWakeupScheduler
    {
        public void Schedule(Action continuation)
        {
            if (t_collectWakeups is { } collect)
            {
                collect.Add(continuation);
                return;
            }

            IWakeupScheduler.QueueToPool(continuation);
        }
    }

    // ------------------------------------------------------------------ output

    /// <summary>
    /// Writes the machine's output while it has some (this thread owns the output until TryTakeOutput says no).
    /// Synchronous while the pipe accepts writes synchronously (the common case).
    /// </summary>
    private void Drain()
    {
        while (_machine.TryTakeOutput(out var frames, out var final))
        {
            ValueTask<FlushResult> write;
            try
            {
                write = _output.WriteAsync(frames, _token);
            }
            catch (Exception e)
            {
                OutputFailed(e);
                return;
            }

            if (!write.IsCompletedSuccessfully)
            {
                _ = DrainAfterAsync(write, final);
                return;
            }

            if (write.Result.IsCompleted)
            {
                OutputFailed(null);
                return;
            }

            if (final)
            {
                _writerDone.TrySetResult();
                return;
            }
        }
    }

    private async Task DrainAfterAsync(ValueTask<FlushResult> write, bool final)
    {
        try
        {
            var result = await write.ConfigureAwait(false);
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

        if (final)
        {
            _writerDone.TrySetResult();
            return;
        }

        Drain();
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

        _machine.NotifyOutputFailed();
        _writerDone.TrySetResult();
    }
}
