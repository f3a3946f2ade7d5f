using System.Collections.Concurrent;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>
/// <c>ctx.IsPatched</c>, the version gate, from bytes: a fresh run journals the marker <c>Run "patch:{id}"</c> and
/// proposes <c>true</c> at once; a replay consumes a recorded marker (true) or, when the journal lacks it, consumes
/// nothing and takes the old path (false) without a 570; the first answer for an id holds for the whole attempt.
/// </summary>
public sealed class PatchTests
{
    private static readonly ConcurrentQueue<string> Executed = new();

    private static Func<CancellationToken, Task<string>> Step(string value) => _ =>
    {
        Executed.Enqueue(value);
        return Task.FromResult(value);
    };

    private static readonly ServiceDefinition Svc = Service("Patches",
        Handler<string, string>("gated", async (ctx, _) => ctx.IsPatched("charge-card")
            ? await ctx.RunAsync("charge-card", Step("new"))
            : await ctx.RunAsync("charge", Step("old"))),
        Handler<string, string>("stepThenGate", async (ctx, _) =>
        {
            var reserved = await ctx.RunAsync("reserve", Step("reserved"));
            var charged = ctx.IsPatched("charge-card")
                ? await ctx.RunAsync("charge-card", Step("new"))
                : await ctx.RunAsync("charge", Step("old"));
            return reserved + "|" + charged;
        }),
        Handler<string, string>("askTwice", async (ctx, _) =>
        {
            var first = ctx.IsPatched("p") ? await ctx.RunAsync("new-1", Step("n1")) : await ctx.RunAsync("old-1", Step("o1"));
            var second = ctx.IsPatched("p") ? await ctx.RunAsync("new-2", Step("n2")) : await ctx.RunAsync("old-2", Step("o2"));
            return first + "|" + second;
        }),
        Handler<string, string>("twoPatches", async (ctx, _) =>
        {
            var a = ctx.IsPatched("a") ? await ctx.RunAsync("a-new", Step("a-new")) : await ctx.RunAsync("a-old", Step("a-old"));
            var b = ctx.IsPatched("b") ? await ctx.RunAsync("b-new", Step("b-new")) : await ctx.RunAsync("b-old", Step("b-old"));
            return a + "|" + b;
        }),
        Handler<string, string>("branchWithSteps", async (ctx, _) =>
        {
            if (ctx.IsPatched("split"))
            {
                var reserved = await ctx.RunAsync("reserve", Step("reserved"));
                await ctx.SleepAsync(TimeSpan.FromSeconds(30), "cool-down");
                return reserved + "|" + await ctx.RunAsync("charge-card", Step("charged"));
            }

            return await ctx.RunAsync("reserve-and-charge", Step("both"));
        }),
        Handler<string, string>("emptyId", (ctx, _) => Task.FromResult(ctx.IsPatched("").ToString())));

    private static readonly ServiceDefinition Obj = Object("PatchedObject",
        Exclusive<string, string>("set", async (ctx, value) =>
        {
            if (ctx.IsPatched("store-upper"))
            {
                ctx.Set("value", value.ToUpperInvariant());
                return await ctx.RunAsync("audit", Step("audited"));
            }

            ctx.Set("value", value);
            return "plain";
        }));

    [SetUp]
    public void Reset() => Executed.Clear();

    private static void AssertMarker(Replayed r, int runIndex, int proposalIndex, string name, uint completionId)
    {
        var run = r.At<RunCommandMessage>(runIndex);
        Assert.That((run.Name, run.ResultCompletionId), Is.EqualTo((name, completionId)), r.ToString());
        var proposal = r.At<ProposeRunCompletionMessage>(proposalIndex);
        Assert.That(proposal.ResultCompletionId, Is.EqualTo(completionId), r.ToString());
        Assert.That(proposal.ResultCase, Is.EqualTo(ProposeRunCompletionMessage.ResultOneofCase.Value), r.ToString());
        Assert.That(proposal.Value.ToStringUtf8(), Is.EqualTo("true"), r.ToString());
    }

    [Test]
    public async Task A_fresh_run_journals_the_marker_proposes_true_at_once_and_takes_the_new_path()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[]
        {
            MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension,
        }), r.ToString());
        AssertMarker(r, 0, 1, "patch:charge-card", 1);
        Assert.That((r.At<RunCommandMessage>(2).Name, r.At<RunCommandMessage>(2).ResultCompletionId), Is.EqualTo(("charge-card", 2u)));
        // The handler never waits for the marker's completion: only the new step's result is awaited.
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
        Assert.That(Executed, Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task A_replay_with_the_marker_consumes_it_and_takes_the_new_path()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"")
            .Run("patch:charge-card", 1).RunCompletion(1, "true")
            .Run("charge-card", 2).RunCompletion(2, "\"recorded-new\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }), r.ToString());
        Assert.That(r.OutputJson, Is.EqualTo("\"recorded-new\""));
        Assert.That(Executed, Is.Empty);
    }

    [Test]
    public async Task A_replayed_marker_is_consumed_so_the_next_step_gets_the_next_index_and_id()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"").Run("patch:charge-card", 1).RunCompletion(1, "true"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }), r.ToString());
        Assert.That((r.At<RunCommandMessage>(0).Name, r.At<RunCommandMessage>(0).ResultCompletionId), Is.EqualTo(("charge-card", 2u)));
        Assert.That(Executed, Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task A_replayed_marker_without_its_completion_is_proposed_again()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"").Run("patch:charge-card", 1));
        Assert.That(r.Types, Is.EqualTo(new[]
        {
            MessageType.ProposeRunCompletion, MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension,
        }), r.ToString());
        Assert.That(r.At<ProposeRunCompletionMessage>(0).ResultCompletionId, Is.EqualTo(1));
        Assert.That(r.At<ProposeRunCompletionMessage>(0).Value.ToStringUtf8(), Is.EqualTo("true"));
        Assert.That(r.At<RunCommandMessage>(1).Name, Is.EqualTo("charge-card"));
    }

    [Test]
    public async Task A_replay_without_the_marker_takes_the_old_path_against_the_old_journal_without_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"").Run("charge", 1).RunCompletion(1, "\"recorded-old\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }), r.ToString());
        Assert.That(r.OutputJson, Is.EqualTo("\"recorded-old\""));
        Assert.That(Executed, Is.Empty);
    }

    [Test]
    public async Task An_old_journal_whose_step_has_no_result_yet_runs_the_old_step_again()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"").Run("charge", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.ProposeRunCompletion, MessageType.Suspension }), r.ToString());
        Assert.That(r.At<ProposeRunCompletionMessage>(0).ResultCompletionId, Is.EqualTo(1));
        Assert.That(r.At<ProposeRunCompletionMessage>(0).Value.ToStringUtf8(), Is.EqualTo("\"old\""));
        Assert.That(Executed, Is.EqualTo(new[] { "old" }));
    }

    [Test]
    public async Task A_replay_ending_exactly_at_the_gate_is_processing_and_takes_the_new_path()
    {
        var r = await Replay.RunAsync(Svc, "stepThenGate", new JournalBuilder().Input("\"x\"").Run("reserve", 1).RunCompletion(1, "\"r\""));
        Assert.That(r.Types, Is.EqualTo(new[]
        {
            MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension,
        }), r.ToString());
        AssertMarker(r, 0, 1, "patch:charge-card", 2);
        Assert.That((r.At<RunCommandMessage>(2).Name, r.At<RunCommandMessage>(2).ResultCompletionId), Is.EqualTo(("charge-card", 3u)));
        Assert.That(Executed, Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task Asking_twice_for_the_same_patch_journals_one_marker_and_repeats_the_answer()
    {
        var fresh = await Replay.RunAsync(Svc, "askTwice", new JournalBuilder().Input("\"x\""));
        Assert.That(fresh.All<RunCommandMessage>().Select(c => (c.Name, c.ResultCompletionId)), Is.EqualTo(new[] { ("patch:p", 1u), ("new-1", 2u) }), fresh.ToString());

        var replay = await Replay.RunAsync(Svc, "askTwice", new JournalBuilder().Input("\"x\"")
            .Run("patch:p", 1).RunCompletion(1, "true").Run("new-1", 2).RunCompletion(2, "\"n1\"").Run("new-2", 3).RunCompletion(3, "\"n2\""));
        Assert.That(replay.OutputJson, Is.EqualTo("\"n1|n2\""), "the second ask consumed nothing: new-2 matched at completion id 3");
    }

    [Test]
    public async Task An_answer_of_false_holds_for_the_attempt_after_the_replay_ended()
    {
        // Recorded by code without the patch: the first ask replays false; the second one runs past the journal and
        // must still answer false, or the invocation would mix the two versions.
        var r = await Replay.RunAsync(Svc, "askTwice", new JournalBuilder().Input("\"x\"").Run("old-1", 1).RunCompletion(1, "\"o1\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }), r.ToString());
        Assert.That((r.At<RunCommandMessage>(0).Name, r.At<RunCommandMessage>(0).ResultCompletionId), Is.EqualTo(("old-2", 2u)));
        Assert.That(r.All<RunCommandMessage>().Select(c => c.Name), Has.None.StartsWith("patch:"));
        Assert.That(Executed, Is.EqualTo(new[] { "o2" }));
    }

    [Test]
    public async Task Two_patches_in_one_run_each_journal_their_own_marker()
    {
        var fresh = await Replay.RunAsync(Svc, "twoPatches", new JournalBuilder().Input("\"x\""));
        Assert.That(fresh.All<RunCommandMessage>().Select(c => (c.Name, c.ResultCompletionId)), Is.EqualTo(new[] { ("patch:a", 1u), ("a-new", 2u) }), fresh.ToString());

        var secondGate = await Replay.RunAsync(Svc, "twoPatches", new JournalBuilder().Input("\"x\"")
            .Run("patch:a", 1).RunCompletion(1, "true").Run("a-new", 2).RunCompletion(2, "\"a-new\""));
        Assert.That(secondGate.Types, Is.EqualTo(new[]
        {
            MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension,
        }), secondGate.ToString());
        AssertMarker(secondGate, 0, 1, "patch:b", 3);
        Assert.That(secondGate.At<RunCommandMessage>(2).Name, Is.EqualTo("b-new"));

        var full = await Replay.RunAsync(Svc, "twoPatches", new JournalBuilder().Input("\"x\"")
            .Run("patch:a", 1).RunCompletion(1, "true").Run("a-new", 2).RunCompletion(2, "\"A\"")
            .Run("patch:b", 3).RunCompletion(3, "true").Run("b-new", 4).RunCompletion(4, "\"B\""));
        Assert.That(full.OutputJson, Is.EqualTo("\"A|B\""));
    }

    [Test]
    public async Task A_journal_of_the_version_before_both_patches_replays_the_first_old_path_and_meets_the_second_gate_fresh()
    {
        var r = await Replay.RunAsync(Svc, "twoPatches", new JournalBuilder().Input("\"x\"").Run("a-old", 1).RunCompletion(1, "\"A\""));
        Assert.That(r.All<RunCommandMessage>().Select(c => (c.Name, c.ResultCompletionId)), Is.EqualTo(new[] { ("patch:b", 2u), ("b-new", 3u) }), r.ToString());
        Assert.That(Executed, Is.EqualTo(new[] { "b-new" }));
    }

    [Test]
    public async Task A_patched_branch_that_journals_steps_replays_them_after_the_marker()
    {
        var fresh = await Replay.RunAsync(Svc, "branchWithSteps", new JournalBuilder().Input("\"x\""));
        Assert.That(fresh.All<RunCommandMessage>().Select(c => (c.Name, c.ResultCompletionId)), Is.EqualTo(new[] { ("patch:split", 1u), ("reserve", 2u) }), fresh.ToString());

        var atTheTimer = await Replay.RunAsync(Svc, "branchWithSteps", new JournalBuilder().Input("\"x\"")
            .Run("patch:split", 1).RunCompletion(1, "true").Run("reserve", 2).RunCompletion(2, "\"R\""));
        Assert.That(atTheTimer.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.Suspension }), atTheTimer.ToString());
        Assert.That(atTheTimer.At<SleepCommandMessage>(0).ResultCompletionId, Is.EqualTo(3));
        Assert.That(atTheTimer.At<SleepCommandMessage>(0).Name, Is.EqualTo("cool-down"));

        var full = await Replay.RunAsync(Svc, "branchWithSteps", new JournalBuilder().Input("\"x\"")
            .Run("patch:split", 1).RunCompletion(1, "true").Run("reserve", 2).RunCompletion(2, "\"R\"")
            .Sleep(3, "cool-down").SleepCompletion(3).Run("charge-card", 4).RunCompletion(4, "\"C\""));
        Assert.That(full.OutputJson, Is.EqualTo("\"R|C\""));

        var old = await Replay.RunAsync(Svc, "branchWithSteps", new JournalBuilder().Input("\"x\"").Run("reserve-and-charge", 1).RunCompletion(1, "\"both\""));
        Assert.That(old.OutputJson, Is.EqualTo("\"both\""));
        Assert.That(Executed, Is.EqualTo(new[] { "reserved" }), "only the fresh run executed a step");
    }

    [Test]
    public async Task A_marker_of_another_patch_is_not_consumed_and_the_next_command_is_a_570_naming_the_marker()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"")
            .Run("patch:charge-card-v0", 1).RunCompletion(1, "true").Run("charge-card-v0", 2).RunCompletion(2, "\"v0\""));
        var e = r.Error;
        Assert.That(e.Code, Is.EqualTo(570));
        Assert.That(e.RelatedCommandIndex, Is.EqualTo(1), "IsPatched consumed nothing: the old path's step meets the marker at index 1");
        Assert.That(e.RelatedCommandName, Is.EqualTo("charge"));
        Assert.That(e.Message, Does.Contain("the journal has RunCommand (name=\"patch:charge-card-v0\") but the code now performs RunCommand (name=\"charge\")"));
        Assert.That(e.Message, Does.Contain("version-gate marker of ctx.IsPatched(\"charge-card-v0\")"));
        Assert.That(Executed, Is.Empty);
    }

    [Test]
    public async Task A_mismatch_at_an_ordinary_step_carries_no_gate_hint()
    {
        var r = await Replay.RunAsync(Svc, "gated", new JournalBuilder().Input("\"x\"").Run("refund", 1).RunCompletion(1, "\"r\""));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.Message, Does.Not.Contain("version-gate"));
    }

    [Test]
    public async Task An_empty_patch_id_is_rejected()
    {
        var r = await Replay.RunAsync(Svc, "emptyId", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }), r.ToString());
        Assert.That(r.Error.Message, Does.Contain("ArgumentException").And.Contain("patchId"));
    }

    [Test]
    public async Task A_virtual_object_handler_gates_state_writes_too()
    {
        var fresh = await Replay.RunAsync(Obj, "set", new JournalBuilder(key: "k").Input("\"abc\""));
        Assert.That(fresh.Types, Is.EqualTo(new[]
        {
            MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.SetStateCommand, MessageType.RunCommand, MessageType.ProposeRunCompletion,
            MessageType.Suspension,
        }), fresh.ToString());
        AssertMarker(fresh, 0, 1, "patch:store-upper", 1);
        Assert.That(fresh.At<SetStateCommandMessage>(2).Value.Content.ToStringUtf8(), Is.EqualTo("\"ABC\""));

        var old = await Replay.RunAsync(Obj, "set", new JournalBuilder(key: "k").Input("\"abc\"").SetState("value", "\"abc\""));
        Assert.That(old.OutputJson, Is.EqualTo("\"plain\""));
    }
}
