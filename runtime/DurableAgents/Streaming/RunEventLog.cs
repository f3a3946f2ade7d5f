namespace DurableAgents.Streaming;

/// <summary>
/// The rules of a run's event log, apart from where it is stored: what journaled step events and live delta batches
/// become in the log. Sequences are assigned here (consecutive), stale attempts and duplicates are dropped, a
/// <c>step_restarted</c> marker is inserted when a newer attempt of a step replaces deltas in the log, and a model
/// step's journaled text completes (or replaces) its deltas so that the deltas of a step since its last restart always
/// concatenate to the journaled text.
/// </summary>
internal static class RunEventLog
{
    /// <summary>Appends journaled events (sent by the agent invocation, exactly once each).</summary>
    public static List<RunEvent> AppendJournaled(RunLogState state, string runId, IEnumerable<RunEvent> events, RunEventLimits limits)
    {
        var added = new List<RunEvent>();
        foreach (var e in events)
        {
            if (state.Finished)
            {
                break;
            }

            if (e.Type == RunEventTypes.MessageCompleted && e.Step is { } step)
            {
                CompleteStep(state, runId, step, e.Text ?? "", added, limits);
                continue;
            }

            e.Attempt = e.Step is not null && state.Steps.TryGetValue(e.Step, out var known) ? known.Attempt : 1;
            Add(state, runId, e, added, limits, RunEventTypes.IsTerminal(e.Type) ? Admission.Always : Admission.Journaled);
            if (RunEventTypes.IsTerminal(e.Type))
            {
                state.Finished = true;
            }
        }

        return added;
    }

    /// <summary>Appends a live delta batch (best effort: stale, duplicate, out-of-order or late deltas are dropped).</summary>
    public static List<RunEvent> AppendDeltas(RunLogState state, string runId, RunDeltaBatch batch, RunEventLimits limits)
    {
        var added = new List<RunEvent>();
        if (state.Finished || batch.Texts.Count == 0)
        {
            return added;
        }

        if (!state.Steps.TryGetValue(batch.Step, out var step))
        {
            if (state.Steps.Count >= limits.MaxSteps)
            {
                state.Truncated = true;
                return added;
            }

            step = new RunLogStep { AttemptKey = batch.AttemptKey };
            state.Steps[batch.Step] = step;
        }

        if (step.Completed || batch.AttemptKey < step.AttemptKey)
        {
            return added;
        }

        if (batch.AttemptKey > step.AttemptKey)
        {
            if (step.LastStepSeq > 0)
            {
                step.Attempt++;
                Add(state, runId, new RunEvent { Type = RunEventTypes.StepRestarted, Step = batch.Step, Attempt = step.Attempt }, added, limits, Admission.Always);
            }

            step.AttemptKey = batch.AttemptKey;
            step.LastStepSeq = 0;
            step.Text = "";
        }

        for (var i = 0; i < batch.Texts.Count; i++)
        {
            var stepSeq = batch.FirstStepSeq + i;
            var text = batch.Texts[i];
            if (stepSeq != step.LastStepSeq + 1 || string.IsNullOrEmpty(text))
            {
                // A duplicate, or a gap (a lost batch): the journaled text fills in what the log misses.
                continue;
            }

            if (!Add(state, runId, new RunEvent { Type = RunEventTypes.TextDelta, Step = batch.Step, Attempt = step.Attempt, StepSeq = stepSeq, Text = text },
                    added, limits, Admission.Live))
            {
                break;
            }

            step.LastStepSeq = stepSeq;
            step.Text += text;
        }

        return added;
    }

    private static void CompleteStep(RunLogState state, string runId, string name, string text, List<RunEvent> added, RunEventLimits limits)
    {
        if (!state.Steps.TryGetValue(name, out var step))
        {
            step = new RunLogStep();
            if (state.Steps.Count < limits.MaxSteps)
            {
                state.Steps[name] = step;
            }
        }

        if (step.Completed)
        {
            return;
        }

        string missing;
        if (text.StartsWith(step.Text, StringComparison.Ordinal))
        {
            missing = text[step.Text.Length..];
        }
        else
        {
            // The deltas in the log are not a prefix of the journaled text (another attempt's, or the model's stream
            // disagreed with its aggregate): restart the step with the journaled text.
            step.Attempt++;
            Add(state, runId, new RunEvent { Type = RunEventTypes.StepRestarted, Step = name, Attempt = step.Attempt }, added, limits, Admission.Always);
            step.LastStepSeq = 0;
            missing = text;
        }

        if (missing.Length > 0)
        {
            Add(state, runId, new RunEvent { Type = RunEventTypes.TextDelta, Step = name, Attempt = step.Attempt, StepSeq = step.LastStepSeq + 1, Text = missing },
                added, limits, Admission.Journaled);
            step.LastStepSeq++;
        }

        Add(state, runId, new RunEvent { Type = RunEventTypes.MessageCompleted, Step = name, Attempt = step.Attempt, Text = text }, added, limits, Admission.Journaled);
        step.Completed = true;
        step.Text = "";
    }

    private enum Admission
    {
        Live,
        Journaled,
        Always,
    }

    private static bool Add(RunLogState state, string runId, RunEvent e, List<RunEvent> added, RunEventLimits limits, Admission admission)
    {
        var size = e.Size;
        var full = admission switch
        {
            Admission.Live => state.LastSeq >= limits.MaxEvents * 3L / 4 || state.Bytes + size > limits.MaxBytes * 3 / 4,
            Admission.Journaled => state.LastSeq >= limits.MaxEvents || state.Bytes + size > limits.MaxBytes,
            _ => false,
        };
        if (full)
        {
            state.Truncated = true;
            return false;
        }

        e.RunId = runId;
        e.Seq = ++state.LastSeq;
        state.Bytes += size;
        added.Add(e);
        return true;
    }
}
