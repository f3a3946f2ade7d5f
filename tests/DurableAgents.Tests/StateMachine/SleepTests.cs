using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Durable timers: SleepCommand with an absolute wake-up time, its completion, replay.</summary>
public sealed class SleepTests
{
    private static readonly ServiceDefinition Svc = Service("Timers",
        Handler<string, string>("nap", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromMinutes(5));
            return "awake";
        }),
        Handler<string, string>("named", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromSeconds(30), "cool-down");
            return "awake";
        }),
        Handler<string, string>("negative", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromSeconds(-10));
            return "awake";
        }),
        Handler<string, string>("twice", async (ctx, _) =>
        {
            await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            await ctx.SleepAsync(TimeSpan.FromSeconds(2));
            return "awake";
        }));

    [Test]
    public async Task A_sleep_journals_an_absolute_wake_up_time_and_suspends_on_its_completion()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var r = await Replay.RunAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.Suspension }));
        var sleep = r.At<SleepCommandMessage>(0);
        Assert.That(sleep.ResultCompletionId, Is.EqualTo(1));
        Assert.That(sleep.Name, Is.Empty);
        Assert.That(sleep.WakeUpTime, Is.InRange((ulong)(before + 300_000), (ulong)(after + 300_000)));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task A_named_sleep_carries_its_name()
    {
        var r = await Replay.RunAsync(Svc, "named", new JournalBuilder().Input("\"x\""));
        Assert.That(r.At<SleepCommandMessage>(0).Name, Is.EqualTo("cool-down"));
    }

    [Test]
    public async Task A_negative_duration_wakes_up_now_not_in_the_past()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var r = await Replay.RunAsync(Svc, "negative", new JournalBuilder().Input("\"x\""));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(r.At<SleepCommandMessage>(0).WakeUpTime, Is.InRange((ulong)before, (ulong)after));
    }

    [Test]
    public async Task A_completed_sleep_replays_to_the_output()
    {
        var r = await Replay.RunAsync(Svc, "nap", new JournalBuilder().Input("\"x\"").Sleep(1).SleepCompletion(1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("\"awake\""));
    }

    [Test]
    public async Task A_replayed_sleep_without_its_completion_suspends_without_a_new_command()
    {
        var r = await Replay.RunAsync(Svc, "nap", new JournalBuilder().Input("\"x\"").Sleep(1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task The_second_sleep_gets_completion_id_2()
    {
        var r = await Replay.RunAsync(Svc, "twice", new JournalBuilder().Input("\"x\"").Sleep(1).SleepCompletion(1));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SleepCommand, MessageType.Suspension }));
        Assert.That(r.At<SleepCommandMessage>(0).ResultCompletionId, Is.EqualTo(2));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
    }

    [Test]
    public async Task A_recorded_wake_up_time_that_differs_is_not_a_mismatch()
    {
        // JournalBuilder records wake_up_time = 1 (long past); the code computes now + 5 minutes. Sleep matches by name only.
        var r = await Replay.RunAsync(Svc, "named", new JournalBuilder().Input("\"x\"").Sleep(1, "cool-down").SleepCompletion(1));
        Assert.That(r.OutputJson, Is.EqualTo("\"awake\""));
    }

    [Test]
    public async Task Bidi_the_handler_resumes_when_the_sleep_completion_arrives()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "twice", new JournalBuilder().Input("\"x\""));
        Assert.That((await d.NextAsync(MessageType.SleepCommand)).As<SleepCommandMessage>().ResultCompletionId, Is.EqualTo(1));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(200)), Is.True);
        await d.SendAsync(new JournalBuilder().SleepCompletion(1));
        Assert.That((await d.NextAsync(MessageType.SleepCommand)).As<SleepCommandMessage>().ResultCompletionId, Is.EqualTo(2));
        await d.SendAsync(new JournalBuilder().SleepCompletion(2));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"awake\""));
        await d.NextAsync(MessageType.End);
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Ended));
    }

    [Test]
    public async Task Bidi_a_completion_for_another_timer_does_not_wake_the_handler()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "nap", new JournalBuilder().Input("\"x\""));
        await d.NextAsync(MessageType.SleepCommand);
        await d.SendAsync(new JournalBuilder().SleepCompletion(7));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(300)), Is.True);
        var (outcome, unread) = await d.FinishAsync();
        Assert.That(outcome, Is.EqualTo(InvocationOutcome.Suspended));
        Assert.That(unread.Single().As<SuspensionMessage>().WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }
}
