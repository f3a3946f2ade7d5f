using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>WhenAll and WhenAny over durable futures: journal-order winners, failures, suspension sets.</summary>
public sealed class CombinatorTests
{
    private static readonly ServiceDefinition Svc = Service("Combine",
        Handler<string, string>("all", async (ctx, _) =>
        {
            var a = ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), 1);
            var b = ctx.SleepAsync(TimeSpan.FromSeconds(1));
            await ctx.WhenAll(a, b);
            return $"all {await a}";
        }),
        Handler<string, int>("any", async (ctx, _) =>
        {
            var a = ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), 1);
            var b = ctx.SleepAsync(TimeSpan.FromSeconds(1));
            return await ctx.WhenAny(a, b);
        }),
        Handler<string, string>("anyThenAwaitWinner", async (ctx, _) =>
        {
            var a = ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), 1);
            var b = ctx.SleepAsync(TimeSpan.FromSeconds(1));
            var i = await ctx.WhenAny(a, b);
            try
            {
                return i == 0 ? $"call {await a}" : "timer";
            }
            catch (TerminalException e)
            {
                return $"winner {i} failed {e.Code}";
            }
        }),
        Handler<string, int>("awakeableOrTimeout", async (ctx, _) =>
        {
            var approval = ctx.Awakeable<bool>();
            return await ctx.WhenAny(approval.Value, ctx.SleepAsync(TimeSpan.FromHours(1)));
        }),
        Handler<string, string>("allEmpty", async (ctx, _) =>
        {
            await ctx.WhenAll();
            return "nothing to wait for";
        }),
        Handler<string, int>("anyEmpty", async (ctx, _) => await ctx.WhenAny()),
        Handler<string, string>("allOfRuns", async (ctx, _) =>
        {
            var runs = Enumerable.Range(1, 3).Select(i => ctx.RunAsync($"r{i}", _ => Task.FromResult(i))).ToArray();
            await ctx.WhenAll(runs);
            return string.Join(",", await runs[0], await runs[1], await runs[2]);
        }));

    [Test]
    public async Task WhenAll_completes_once_every_future_completed()
    {
        var r = await Replay.RunAsync(Svc, "all", new JournalBuilder().Input("\"x\"").Call("Math", "double", "1", 1, 2).Sleep(3).SleepCompletion(3).CallCompletion(2, "2"));
        Assert.That(r.OutputJson, Is.EqualTo("\"all 2\""));
    }

    [Test]
    public async Task WhenAll_suspends_on_every_pending_future()
    {
        var r = await Replay.RunAsync(Svc, "all", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.CallCommand, MessageType.SleepCommand, MessageType.Suspension }));
        Assert.That(r.At<SleepCommandMessage>(1).ResultCompletionId, Is.EqualTo(3));
        Assert.That(r.Suspension.WaitingCompletions.Order(), Is.EqualTo(new uint[] { 2, 3 }));
    }

    [Test]
    public async Task WhenAll_fails_fast_at_the_first_failure_without_waiting_for_the_rest()
    {
        var r = await Replay.RunAsync(Svc, "all", new JournalBuilder().Input("\"x\"").Call("Math", "double", "1", 1, 2).Sleep(3).CallFailure(2, 400, "bad"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That((r.OutputFailure.Code, r.OutputFailure.Message), Is.EqualTo((400u, "bad")));
    }

    [Test]
    public async Task WhenAny_picks_the_result_journaled_first_not_the_first_argument()
    {
        var r = await Replay.RunAsync(Svc, "any", new JournalBuilder().Input("\"x\"").Call("Math", "double", "1", 1, 2).Sleep(3).SleepCompletion(3).CallCompletion(2, "2"));
        Assert.That(r.OutputJson, Is.EqualTo("1"));
        var callFirst = await Replay.RunAsync(Svc, "any", new JournalBuilder().Input("\"x\"").Call("Math", "double", "1", 1, 2).Sleep(3).CallCompletion(2, "2").SleepCompletion(3));
        Assert.That(callFirst.OutputJson, Is.EqualTo("0"));
    }

    [Test]
    public async Task WhenAny_suspends_on_all_of_its_futures()
    {
        var r = await Replay.RunAsync(Svc, "any", new JournalBuilder().Input("\"x\"").Call("Math", "double", "1", 1, 2).Sleep(3));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions.Order(), Is.EqualTo(new uint[] { 2, 3 }));
    }

    [Test]
    public async Task WhenAny_reports_a_failed_winner_whose_await_then_throws()
    {
        var r = await Replay.RunAsync(Svc, "anyThenAwaitWinner", new JournalBuilder().Input("\"x\"").Call("Math", "double", "1", 1, 2).Sleep(3).CallFailure(2, 503, "down"));
        Assert.That(r.OutputJson, Is.EqualTo("\"winner 0 failed 503\""));
    }

    [Test]
    public async Task WhenAll_of_nothing_completes_at_once_and_WhenAny_of_nothing_is_refused()
    {
        var all = await Replay.RunAsync(Svc, "allEmpty", new JournalBuilder().Input("\"x\""));
        Assert.That(all.OutputJson, Is.EqualTo("\"nothing to wait for\""));
        var any = await Replay.RunAsync(Svc, "anyEmpty", new JournalBuilder().Input("\"x\""));
        Assert.That(any.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(any.Error.Message, Does.Contain("at least one future"));
    }

    [Test]
    public async Task WhenAll_of_steps_replays_their_journaled_values_in_argument_order()
    {
        var r = await Replay.RunAsync(Svc, "allOfRuns", new JournalBuilder().Input("\"x\"")
            .Run("r1", 1).Run("r2", 2).Run("r3", 3).RunCompletion(3, "30").RunCompletion(1, "10").RunCompletion(2, "20"));
        Assert.That(r.OutputJson, Is.EqualTo("\"10,20,30\""));
    }

    [Test]
    public async Task Bidi_WhenAny_resumes_with_the_awakeable_that_arrives_before_the_timer()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "awakeableOrTimeout", new JournalBuilder().Input("\"x\""));
        Assert.That((await d.NextAsync(MessageType.SleepCommand)).As<SleepCommandMessage>().ResultCompletionId, Is.EqualTo(1));
        await d.SendAsync(new JournalBuilder().SignalValue(17, "true"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("0"));
        await d.NextAsync(MessageType.End);
    }

    [Test]
    public async Task Bidi_WhenAll_waits_for_the_last_completion_in_any_order()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "all", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.CallCommand);
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(new JournalBuilder().SleepCompletion(3));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(300)), Is.True, "the call result is still missing");
        await d.SendAsync(new JournalBuilder().CallInvocationId(1, "inv_1x").CallCompletion(2, "2"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"all 2\""));
        await d.NextAsync(MessageType.End);
    }
}
