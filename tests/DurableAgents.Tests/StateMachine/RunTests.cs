using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary><c>ctx.RunAsync</c>: RunCommand, ProposeRunCompletion, journaled results and failures, from bytes.</summary>
public sealed class RunTests
{
    private static int _executions;

    private static readonly ServiceDefinition Svc = Service("Runs",
        Handler<string, string>("one", async (ctx, input) => await ctx.RunAsync("step", _ =>
        {
            Interlocked.Increment(ref _executions);
            return Task.FromResult(input + "-done");
        })),
        Handler<string, string>("two", async (ctx, input) =>
        {
            var a = await ctx.RunAsync("a", _ =>
            {
                Interlocked.Increment(ref _executions);
                return Task.FromResult(input + "-a");
            });
            return await ctx.RunAsync("b", _ =>
            {
                Interlocked.Increment(ref _executions);
                return Task.FromResult(a + "-b");
            });
        }),
        Handler<string, string>("terminal", async (ctx, _) => await ctx.RunAsync<string>("charge", _ =>
        {
            Interlocked.Increment(ref _executions);
            throw new TerminalException("card declined", 402);
        })),
        Handler<string, string>("catchTerminal", async (ctx, _) =>
        {
            try
            {
                return await ctx.RunAsync<string>("charge", _ =>
                {
                    Interlocked.Increment(ref _executions);
                    throw new TerminalException("card declined", 402);
                });
            }
            catch (TerminalException e)
            {
                return $"caught {e.Code} {e.Message}";
            }
        }),
        Handler<string, bool>("voidStep", async (ctx, _) =>
        {
            await ctx.RunAsync("notify", _ =>
            {
                Interlocked.Increment(ref _executions);
                return Task.CompletedTask;
            });
            return true;
        }),
        Handler<Order, Order>("record", async (ctx, order) => await ctx.RunAsync("price", _ => Task.FromResult(order with { Price = order.Price * 2 }))),
        Handler<string, string>("parallel", async (ctx, _) =>
        {
            var a = ctx.RunAsync("left", _ => Task.FromResult("L"));
            var b = ctx.RunAsync("right", _ => Task.FromResult("R"));
            await ctx.WhenAll(a, b);
            return await a + await b;
        }),
        Handler<string, string>("slow", async (ctx, _) => await ctx.RunAsync("slow", async _ =>
        {
            await Task.Delay(300);
            return "late";
        })));

    [SetUp]
    public void Reset() => _executions = 0;

    [Test]
    public async Task A_new_step_journals_a_run_command_and_proposes_its_result_then_suspends_on_its_completion()
    {
        var r = await Replay.RunAsync(Svc, "one", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        var run = r.At<RunCommandMessage>(0);
        Assert.That(run.Name, Is.EqualTo("step"));
        Assert.That(run.ResultCompletionId, Is.EqualTo(1));
        var proposal = r.At<ProposeRunCompletionMessage>(1);
        Assert.That(proposal.ResultCompletionId, Is.EqualTo(1));
        Assert.That(proposal.ResultCase, Is.EqualTo(ProposeRunCompletionMessage.ResultOneofCase.Value));
        Assert.That(proposal.Value.ToStringUtf8(), Is.EqualTo("\"x-done\""));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
        Assert.That(_executions, Is.EqualTo(1));
    }

    [Test]
    public async Task A_journaled_result_is_replayed_without_executing_the_step()
    {
        var r = await Replay.RunAsync(Svc, "one", new JournalBuilder().Input("\"x\"").Run("step", 1).RunCompletion(1, "\"from-journal\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("\"from-journal\""));
        Assert.That(_executions, Is.Zero);
    }

    [Test]
    public async Task A_replayed_run_command_without_a_result_executes_again_without_resending_the_command()
    {
        var r = await Replay.RunAsync(Svc, "one", new JournalBuilder().Input("\"x\"").Run("step", 1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(r.At<ProposeRunCompletionMessage>(0).ResultCompletionId, Is.EqualTo(1));
        Assert.That(r.At<ProposeRunCompletionMessage>(0).Value.ToStringUtf8(), Is.EqualTo("\"x-done\""));
        Assert.That(_executions, Is.EqualTo(1));
    }

    [Test]
    public async Task The_second_step_gets_the_next_completion_id_after_a_replayed_first_step()
    {
        var r = await Replay.RunAsync(Svc, "two", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "\"x-a\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        var run = r.At<RunCommandMessage>(0);
        Assert.That((run.Name, run.ResultCompletionId), Is.EqualTo(("b", 2u)));
        Assert.That(r.At<ProposeRunCompletionMessage>(1).Value.ToStringUtf8(), Is.EqualTo("\"x-a-b\""));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
        Assert.That(_executions, Is.EqualTo(1), "only step b runs");
    }

    [Test]
    public async Task A_terminal_failure_inside_a_step_is_proposed_as_a_failure()
    {
        var r = await Replay.RunAsync(Svc, "terminal", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        var proposal = r.At<ProposeRunCompletionMessage>(1);
        Assert.That(proposal.ResultCase, Is.EqualTo(ProposeRunCompletionMessage.ResultOneofCase.Failure));
        Assert.That(proposal.Failure.Code, Is.EqualTo(402));
        Assert.That(proposal.Failure.Message, Is.EqualTo("card declined"));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task A_journaled_failure_is_rethrown_on_replay_and_ends_the_invocation_with_it()
    {
        var r = await Replay.RunAsync(Svc, "terminal", new JournalBuilder().Input("\"x\"").Run("charge", 1).RunFailure(1, 402, "card declined"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(402));
        Assert.That(r.OutputFailure.Message, Is.EqualTo("card declined"));
        Assert.That(_executions, Is.Zero);
    }

    [Test]
    public async Task A_journaled_failure_can_be_caught_by_the_handler()
    {
        var r = await Replay.RunAsync(Svc, "catchTerminal", new JournalBuilder().Input("\"x\"").Run("charge", 1).RunFailure(1, 402, "card declined"));
        Assert.That(r.OutputJson, Is.EqualTo("\"caught 402 card declined\""));
        Assert.That(_executions, Is.Zero);
    }

    [Test]
    public async Task A_step_without_a_result_value_proposes_a_json_value()
    {
        var r = await Replay.RunAsync(Svc, "voidStep", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(r.At<RunCommandMessage>(0).Name, Is.EqualTo("notify"));
        Assert.That(r.At<ProposeRunCompletionMessage>(1).Value.ToStringUtf8(), Is.EqualTo("true"));
        Assert.That(_executions, Is.EqualTo(1));
    }

    [Test]
    public async Task A_record_result_is_proposed_as_web_json_and_read_back_from_the_journal()
    {
        var first = await Replay.RunAsync(Svc, "record", new JournalBuilder().Input("{\"id\":\"o1\",\"quantity\":2,\"price\":1.5}"));
        var proposed = first.At<ProposeRunCompletionMessage>(1).Value.ToStringUtf8();
        Assert.That(proposed, Is.EqualTo("{\"id\":\"o1\",\"quantity\":2,\"price\":3.0}"));

        var replay = await Replay.RunAsync(Svc, "record", new JournalBuilder().Input("{\"id\":\"o1\",\"quantity\":2,\"price\":1.5}")
            .Run("price", 1).RunCompletion(1, "{\"id\":\"o9\",\"quantity\":7,\"price\":9}"));
        Assert.That(replay.OutputJson, Is.EqualTo("{\"id\":\"o9\",\"quantity\":7,\"price\":9}"));
    }

    [Test]
    public async Task Two_steps_started_together_get_consecutive_ids_and_both_execute()
    {
        var r = await Replay.RunAsync(Svc, "parallel", new JournalBuilder().Input("\"x\""));
        var runs = r.All<RunCommandMessage>().ToList();
        Assert.That(runs.Select(x => (x.Name, x.ResultCompletionId)), Is.EqualTo(new[] { ("left", 1u), ("right", 2u) }));
        var proposals = r.All<ProposeRunCompletionMessage>().OrderBy(p => p.ResultCompletionId).ToList();
        Assert.That(proposals.Select(p => (p.ResultCompletionId, p.Value.ToStringUtf8())), Is.EqualTo(new[] { (1u, "\"L\""), (2u, "\"R\"") }));
        Assert.That(r.Suspension.WaitingCompletions.Order(), Is.EqualTo(new uint[] { 1, 2 }));
    }

    [Test]
    public async Task An_asynchronous_step_is_proposed_before_the_attempt_suspends()
    {
        var r = await Replay.RunAsync(Svc, "slow", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(r.At<ProposeRunCompletionMessage>(1).Value.ToStringUtf8(), Is.EqualTo("\"late\""));
    }

    [Test]
    public async Task Bidi_the_result_reaches_the_handler_only_after_restate_journaled_it()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "two", new JournalBuilder().Input("\"x\""));
        Assert.That((await d.NextAsync(MessageType.RunCommand)).As<RunCommandMessage>().Name, Is.EqualTo("a"));
        Assert.That((await d.NextAsync(MessageType.ProposeRunCompletion)).As<ProposeRunCompletionMessage>().ResultCompletionId, Is.EqualTo(1));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(300)), Is.True, "step b must wait for RunCompletion(1)");

        await d.SendAsync(new JournalBuilder().RunCompletion(1, "\"x-a\""));
        Assert.That((await d.NextAsync(MessageType.RunCommand)).As<RunCommandMessage>().ResultCompletionId, Is.EqualTo(2));
        Assert.That((await d.NextAsync(MessageType.ProposeRunCompletion)).As<ProposeRunCompletionMessage>().Value.ToStringUtf8(), Is.EqualTo("\"x-a-b\""));
        await d.SendAsync(new JournalBuilder().RunCompletion(2, "\"x-a-b\""));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"x-a-b\""));
        await d.NextAsync(MessageType.End);
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Ended));
    }

    [Test]
    public async Task Bidi_the_journaled_value_wins_over_the_proposed_one()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "one", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.RunCommand);
        Assert.That((await d.NextAsync(MessageType.ProposeRunCompletion)).As<ProposeRunCompletionMessage>().Value.ToStringUtf8(), Is.EqualTo("\"x-done\""));
        await d.SendAsync(new JournalBuilder().RunCompletion(1, "\"journaled\""));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"journaled\""));
        await d.NextAsync(MessageType.End);
    }
}
