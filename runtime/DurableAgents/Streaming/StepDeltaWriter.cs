using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Streaming;

/// <summary>
/// Publishes the live text deltas of one model step attempt to the run's log through the ingress (<c>deltas</c>,
/// one-way): the first delta at once, then batches while a post is in flight and for
/// <see cref="DurableAgentStreamOptions.DeltaBatchInterval"/> after it, one post at a time so batches arrive in order.
/// Best effort: a failed post is dropped (the journaled text fills the gap in the log).
/// </summary>
internal sealed class StepDeltaWriter
{
    private readonly RunStreamRuntime _runtime;
    private readonly string _runId;
    private readonly string _step;
    private readonly long _attemptKey;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _completing = new();
    private List<string> _pending = [];
    private int _nextSeq = 1;
    private Task? _loop;
    private bool _running;

    public StepDeltaWriter(RunStreamRuntime runtime, string runId, string step, long attemptKey)
    {
        _runtime = runtime;
        _runId = runId;
        _step = step;
        _attemptKey = attemptKey;
    }

    public void Add(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        lock (_gate)
        {
            _pending.Add(text);
            if (!_running)
            {
                _running = true;
                _loop = Task.Run(PumpAsync);
            }
        }
    }

    /// <summary>Hands the remaining deltas to the ingress, waiting at most <see cref="DurableAgentStreamOptions.DeltaFlushTimeout"/>.</summary>
    public async Task CompleteAsync()
    {
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        await _completing.CancelAsync().ConfigureAwait(false);
        if (loop is null)
        {
            return;
        }

        try
        {
            await loop.WaitAsync(_runtime.Options.DeltaFlushTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _runtime.Logger.LogDebug("Deltas of {Step} of run {RunId} were not flushed in time.", _step, _runId);
        }
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            List<string> batch;
            int first;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                batch = _pending;
                _pending = [];
                first = _nextSeq;
                _nextSeq += batch.Count;
            }

            await PostAsync(new RunDeltaBatch { Step = _step, AttemptKey = _attemptKey, FirstStepSeq = first, Texts = batch }).ConfigureAwait(false);
            if (!_completing.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(_runtime.Options.DeltaBatchInterval, _completing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private async Task PostAsync(RunDeltaBatch batch)
    {
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(batch, RunEventJsonContext.Default.RunDeltaBatch);
            await _runtime.Ingress.SendRawAsync(RunEventStore.Target(RunEventStore.Deltas, _runId), body).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Clients.RestateIngressException)
        {
            _runtime.Logger.LogDebug(e, "Dropped {Count} deltas of {Step} of run {RunId}.", batch.Texts.Count, _step, _runId);
        }
    }
}
