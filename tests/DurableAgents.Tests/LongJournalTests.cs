using System.Globalization;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests;

/// <summary>Journals long enough to span several chunks of the state machine's tables (1,024 commands, 512 slots each).</summary>
public sealed class LongJournalTests
{
    private static int _sideEffects;

    private static readonly Definitions.ServiceDefinition Steps = Service("Long",
        Handler<int, long>("steps", async (ctx, count) =>
        {
            long total = 0;
            for (var i = 1; i <= count; i++)
            {
                var step = i;
                total += await ctx.RunAsync($"step{step}", _ =>
                {
                    Interlocked.Increment(ref _sideEffects);
                    return Task.FromResult(step);
                });
            }

            return total;
        }));

    [SetUp]
    public void Reset() => _sideEffects = 0;

    private static JournalBuilder Recorded(int steps, int total, Func<int, string>? name = null)
    {
        var builder = new JournalBuilder().Input(total.ToString(CultureInfo.InvariantCulture));
        for (var i = 1; i <= steps; i++)
        {
            builder.Run(name?.Invoke(i) ?? $"step{i}", (uint)i).RunCompletion((uint)i, i.ToString(CultureInfo.InvariantCulture));
        }

        return builder;
    }

    [TestCase(1_023)]
    [TestCase(1_024)]
    [TestCase(3_000)]
    public async Task A_long_recorded_journal_replays_every_step_from_the_journal(int steps)
    {
        var result = await JournalHarness.RunAsync(Steps, "steps", Recorded(steps, steps).Build());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Ended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        var sum = (long)steps * (steps + 1) / 2;
        Assert.That(result.Messages[0].Text, Does.Contain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(sum.ToString(CultureInfo.InvariantCulture)))));
        Assert.That(_sideEffects, Is.Zero, "no recorded step may run again");
    }

    [Test]
    public async Task After_a_long_journal_the_next_step_runs_once_with_the_next_completion_id()
    {
        var result = await JournalHarness.RunAsync(Steps, "steps", Recorded(2_000, 2_001).Build());
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Suspended), result.ErrorMessage);
        Assert.That(result.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(result.Messages[0].Text, Does.Contain("step2001"));
        Assert.That(result.Messages[2].Text, Does.Contain("\"waitingCompletions\": [ 2001 ]"));
        Assert.That(_sideEffects, Is.EqualTo(1));
    }

    [Test]
    public async Task A_mismatch_deep_in_a_long_journal_names_its_command_index()
    {
        // the recorded journal names step 1500 differently: the code's 1500th command no longer fits
        var journal = Recorded(2_000, 2_000, i => i == 1_500 ? "renamed" : $"step{i}").Build();
        var result = await JournalHarness.RunAsync(Steps, "steps", journal);
        Assert.That(result.Outcome, Is.EqualTo(InvocationOutcome.Failed));
        Assert.That(result.ErrorCode, Is.EqualTo(570));
        Assert.That(result.RelatedCommandIndex, Is.EqualTo(1_500));
        Assert.That(result.ErrorMessage, Does.Contain("name=\"renamed\"").And.Contains("name=\"step1500\""));
        Assert.That(_sideEffects, Is.Zero);
    }

    [Test]
    public void Replay_commands_keep_order_and_type_across_chunks_and_release_replayed_ones()
    {
        var table = new ReplayCommands();
        for (var i = 0; i < 2_500; i++)
        {
            table.Add(i == 0 ? MessageType.InputCommand : MessageType.RunCommand, new RunCommandMessage { Name = $"s{i}" });
        }

        Assert.That(table.Count, Is.EqualTo(2_500));
        foreach (var i in new[] { 0, 15, 16, 511, 512, 1_023, 1_024, 2_047, 2_048, 2_499 })
        {
            Assert.That(((RunCommandMessage)table.MessageAt(i)).Name, Is.EqualTo($"s{i}"), $"index {i}");
        }

        table.Release(1_024);
        Assert.That(table.TypeAt(1_024), Is.EqualTo(MessageType.RunCommand), "the type stays after the release");
        Assert.Throws<InvalidOperationException>(() => table.MessageAt(1_024));
        Assert.That(((RunCommandMessage)table.MessageAt(1_025)).Name, Is.EqualTo("s1025"));
    }

    [Test]
    public void A_slot_table_hands_out_one_slot_per_id_including_ids_far_apart()
    {
        var table = new SlotTable(SlotKind.Completion);
        var ids = new uint[] { 0, 1, 511, 512, 513, 5_000, uint.MaxValue };
        var slots = ids.Select(table.GetOrCreate).ToArray();
        Assert.That(slots.Select(s => s.Id), Is.EqualTo(ids));
        Assert.That(slots.Select(s => s.Kind), Is.All.EqualTo(SlotKind.Completion));
        Assert.That(slots.Distinct().Count(), Is.EqualTo(ids.Length));
        for (var i = ids.Length - 1; i >= 0; i--)
        {
            Assert.That(table.GetOrCreate(ids[i]), Is.SameAs(slots[i]), $"id {ids[i]}");
        }
    }
}
