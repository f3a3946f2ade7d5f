using DurableAgents.Streaming;

namespace DurableAgents.Tests.Streaming;

/// <summary>The log's rules without a server: sequences, attempts, restarts, the journaled text, bounds.</summary>
public sealed class RunEventLogTests
{
    private const string Run = "inv_1test";

    private static RunDeltaBatch Deltas(string step, long attemptKey, int first, params string[] texts)
        => new() { Step = step, AttemptKey = attemptKey, FirstStepSeq = first, Texts = [.. texts] };

    private static RunEvent Completed(string step, string text) => new() { Type = RunEventTypes.MessageCompleted, Step = step, Text = text };

    [Test]
    public void Journaled_events_get_consecutive_sequences_and_nothing_follows_the_terminal_event()
    {
        var state = new RunLogState();
        var added = RunEventLog.AppendJournaled(state, Run, [new RunEvent { Type = RunEventTypes.RunStarted, Agent = "a" }, Completed("llm:1", "Hi there")], RunEventLimits.Default);
        added.AddRange(RunEventLog.AppendJournaled(state, Run, [new RunEvent { Type = RunEventTypes.RunFinished, Text = "Hi there" }], RunEventLimits.Default));
        var late = RunEventLog.AppendJournaled(state, Run, [new RunEvent { Type = RunEventTypes.RunStarted }], RunEventLimits.Default);

        Assert.That(added.Select(e => e.Type), Is.EqualTo(new[] { RunEventTypes.RunStarted, RunEventTypes.TextDelta, RunEventTypes.MessageCompleted, RunEventTypes.RunFinished }));
        Assert.That(added.Select(e => e.Seq), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(added.Select(e => e.RunId), Is.All.EqualTo(Run));
        Assert.That(added[1].Text, Is.EqualTo("Hi there"), "a step without live deltas gets its journaled text as one delta");
        Assert.That(state.Finished, Is.True);
        Assert.That(late, Is.Empty, "nothing is appended after run_finished");
    }

    [Test]
    public void The_journaled_text_completes_the_live_deltas_and_later_deltas_of_the_step_are_dropped()
    {
        var state = new RunLogState();
        var live = RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 5, 1, "The", " sky"), RunEventLimits.Default);
        var dup = RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 5, 2, " sky"), RunEventLimits.Default);
        var done = RunEventLog.AppendJournaled(state, Run, [Completed("llm:1", "The sky is blue.")], RunEventLimits.Default);
        var late = RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 5, 3, " is"), RunEventLimits.Default);

        Assert.That(live.Select(e => e.Text), Is.EqualTo(new[] { "The", " sky" }));
        Assert.That(live.Select(e => e.StepSeq), Is.EqualTo(new int?[] { 1, 2 }));
        Assert.That(dup, Is.Empty, "a delta position already in the log is a duplicate");
        Assert.That(done.Select(e => e.Type), Is.EqualTo(new[] { RunEventTypes.TextDelta, RunEventTypes.MessageCompleted }));
        Assert.That(done[0].Text, Is.EqualTo(" is blue."), "only what the live deltas missed");
        Assert.That(late, Is.Empty, "deltas after the journaled text are superseded by it");
        Assert.That(string.Concat(live.Concat(done).Where(e => e.Type == RunEventTypes.TextDelta).Select(e => e.Text)), Is.EqualTo("The sky is blue."));
    }

    [Test]
    public void A_newer_attempt_restarts_the_step_once_and_a_stale_attempt_is_dropped()
    {
        var state = new RunLogState();
        var first = RunEventLog.AppendDeltas(state, Run, Deltas("llm:2", (4L << 32) | 0, 1, "Misty"), RunEventLimits.Default);
        var second = RunEventLog.AppendDeltas(state, Run, Deltas("llm:2", (4L << 32) | 1, 1, "Misty", " in"), RunEventLimits.Default);
        var stale = RunEventLog.AppendDeltas(state, Run, Deltas("llm:2", (4L << 32) | 0, 2, " morning"), RunEventLimits.Default);
        var more = RunEventLog.AppendDeltas(state, Run, Deltas("llm:2", (4L << 32) | 1, 3, " Sintra"), RunEventLimits.Default);
        var done = RunEventLog.AppendJournaled(state, Run, [Completed("llm:2", "Misty in Sintra")], RunEventLimits.Default);

        Assert.That(first.Single().Attempt, Is.EqualTo(1));
        Assert.That(second.Select(e => e.Type), Is.EqualTo(new[] { RunEventTypes.StepRestarted, RunEventTypes.TextDelta, RunEventTypes.TextDelta }));
        Assert.That(second.Select(e => e.Attempt), Is.All.EqualTo(2));
        Assert.That(stale, Is.Empty, "deltas of an older attempt are dropped");
        Assert.That(more.Single().Text, Is.EqualTo(" Sintra"));
        Assert.That(done.Select(e => e.Type), Is.EqualTo(new[] { RunEventTypes.MessageCompleted }), "the live deltas already make the text");
        var all = first.Concat(second).Concat(more).Concat(done).ToList();
        Assert.That(all.Select(e => e.Seq), Is.EqualTo(Enumerable.Range(1, all.Count).Select(i => (long)i)));
    }

    [Test]
    public void Deltas_that_disagree_with_the_journaled_text_are_replaced_after_a_restart_marker()
    {
        var state = new RunLogState();
        RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 1, 1, "Rainy"), RunEventLimits.Default);
        var done = RunEventLog.AppendJournaled(state, Run, [Completed("llm:1", "Sunny all day")], RunEventLimits.Default);

        Assert.That(done.Select(e => e.Type), Is.EqualTo(new[] { RunEventTypes.StepRestarted, RunEventTypes.TextDelta, RunEventTypes.MessageCompleted }));
        Assert.That(done[1].Text, Is.EqualTo("Sunny all day"));
        Assert.That(done[1].Attempt, Is.EqualTo(2));
    }

    [Test]
    public void A_gap_in_the_live_deltas_stops_them_and_the_journaled_text_fills_in()
    {
        var state = new RunLogState();
        var a = RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 1, 1, "one"), RunEventLimits.Default);
        var b = RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 1, 3, " three"), RunEventLimits.Default);
        var done = RunEventLog.AppendJournaled(state, Run, [Completed("llm:1", "one two three")], RunEventLimits.Default);

        Assert.That(a, Has.Count.EqualTo(1));
        Assert.That(b, Is.Empty, "position 2 was lost, so position 3 cannot follow");
        Assert.That(done[0].Text, Is.EqualTo(" two three"));
    }

    [Test]
    public void A_full_log_drops_live_deltas_first_then_journaled_events_but_keeps_the_terminal_event()
    {
        var limits = new RunEventLimits { MaxEvents = 8 };
        var state = new RunLogState();
        var live = RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 1, 1, "a", "b", "c", "d", "e", "f", "g", "h"), limits);
        Assert.That(live, Has.Count.EqualTo(6), "live deltas stop at three quarters of MaxEvents");
        Assert.That(state.Truncated, Is.True);

        var journaled = RunEventLog.AppendJournaled(state, Run,
            [Completed("llm:1", "abcdefgh"), new RunEvent { Type = RunEventTypes.ToolCallStarted, CallId = "c1" }, new RunEvent { Type = RunEventTypes.ToolCallFinished, CallId = "c1" }], limits);
        Assert.That(state.LastSeq, Is.EqualTo(8), "journaled events fill the log up to MaxEvents");
        var end = RunEventLog.AppendJournaled(state, Run, [new RunEvent { Type = RunEventTypes.RunFinished, Text = "x" }], limits);
        Assert.That(end.Single().Seq, Is.EqualTo(9), "the terminal event is always kept, so readers learn that the run ended");
        Assert.That(journaled.Select(e => e.Type), Does.Not.Contain(RunEventTypes.ToolCallFinished));
    }

    [Test]
    public void The_ag_ui_mapping_ends_an_abandoned_attempt_message_and_starts_a_new_one()
    {
        var mapper = new AgUiEventMapper();
        var state = new RunLogState();
        var events = RunEventLog.AppendJournaled(state, Run, [new RunEvent { Type = RunEventTypes.RunStarted }], RunEventLimits.Default);
        events.AddRange(RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 1, 1, "Hel"), RunEventLimits.Default));
        events.AddRange(RunEventLog.AppendDeltas(state, Run, Deltas("llm:1", 2, 1, "Hello"), RunEventLimits.Default));
        events.AddRange(RunEventLog.AppendJournaled(state, Run, [Completed("llm:1", "Hello!"), new RunEvent { Type = RunEventTypes.RunFinished, Text = "Hello!" }], RunEventLimits.Default));

        var frames = events.SelectMany(mapper.Map).ToList();
        Assert.That(frames.Select(f => f["type"]!.ToString()), Is.EqualTo(new[]
        {
            "RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "CUSTOM",
            "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED",
        }));
        Assert.That(frames[4]["name"]!.ToString(), Is.EqualTo("step_restarted"));
        Assert.That(frames[4]["value"]!["discardMessageId"]!.ToString(), Is.EqualTo(frames[1]["messageId"]!.ToString()));
        Assert.That(frames[5]["messageId"]!.ToString(), Is.Not.EqualTo(frames[1]["messageId"]!.ToString()));
    }
}
