using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>One-way calls: OneWayCallCommand, delayed invoke time, the invocation-id notification.</summary>
public sealed class SendTests
{
    private static readonly ServiceDefinition Svc = Service("Sender",
        Handler<int, string>("fire", (ctx, n) =>
        {
            ctx.Send(CallTarget.ForObject("Counter", "bob", "add"), n);
            return Task.FromResult("sent");
        }),
        Handler<int, string>("delayed", (ctx, n) =>
        {
            ctx.Send(CallTarget.ForService("Mailer", "remind"), n, new SendOptions { Delay = TimeSpan.FromHours(1) });
            return Task.FromResult("scheduled");
        }),
        Handler<int, string>("options", (ctx, n) =>
        {
            ctx.Send(CallTarget.ForService("Mailer", "remind"), n, new SendOptions
            {
                IdempotencyKey = "remind-1",
                Name = "reminder",
                Headers = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" },
            });
            return Task.FromResult("sent");
        }),
        Handler<int, string>("awaitId", async (ctx, n) =>
        {
            var handle = ctx.Send(CallTarget.ForService("Mailer", "remind"), n);
            return await handle.InvocationId;
        }),
        Handler<int, int>("sendThenCall", async (ctx, n) =>
        {
            ctx.Send(CallTarget.ForService("Mailer", "remind"), n);
            return await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n);
        }),
        Handler<int, string>("emptyKey", (ctx, n) =>
        {
            ctx.Send(CallTarget.ForService("Mailer", "remind"), n, new SendOptions { IdempotencyKey = "" });
            return Task.FromResult("sent");
        }));

    [Test]
    public async Task A_send_journals_a_one_way_call_and_does_not_wait_for_it()
    {
        var r = await Replay.RunAsync(Svc, "fire", new JournalBuilder().Input("3"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OneWayCallCommand, MessageType.OutputCommand, MessageType.End }));
        var send = r.At<OneWayCallCommandMessage>(0);
        Assert.That((send.ServiceName, send.Key, send.HandlerName), Is.EqualTo(("Counter", "bob", "add")));
        Assert.That(send.Parameter.ToStringUtf8(), Is.EqualTo("3"));
        Assert.That(send.InvokeTime, Is.Zero);
        Assert.That(send.InvocationIdNotificationIdx, Is.EqualTo(1));
        Assert.That(r.OutputJson, Is.EqualTo("\"sent\""));
    }

    [Test]
    public async Task A_delayed_send_carries_an_absolute_invoke_time()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var r = await Replay.RunAsync(Svc, "delayed", new JournalBuilder().Input("3"));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.That(r.At<OneWayCallCommandMessage>(0).InvokeTime, Is.InRange((ulong)(before + 3_600_000), (ulong)(after + 3_600_000)));
    }

    [Test]
    public async Task Send_options_are_journaled()
    {
        var r = await Replay.RunAsync(Svc, "options", new JournalBuilder().Input("3"));
        var send = r.At<OneWayCallCommandMessage>(0);
        Assert.That(send.IdempotencyKey, Is.EqualTo("remind-1"));
        Assert.That(send.Name, Is.EqualTo("reminder"));
        Assert.That(send.Headers.Select(h => (h.Key, h.Value)), Is.EqualTo(new[] { ("a", "1"), ("b", "2") }));
    }

    [Test]
    public async Task Awaiting_the_invocation_id_suspends_on_its_notification()
    {
        var r = await Replay.RunAsync(Svc, "awaitId", new JournalBuilder().Input("3"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OneWayCallCommand, MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task The_journaled_invocation_id_is_returned_on_replay()
    {
        var r = await Replay.RunAsync(Svc, "awaitId", new JournalBuilder().Input("3")
            .OneWayCall("Mailer", "remind", "3", 1).CallInvocationId(1, "inv_1mailer"));
        Assert.That(r.OutputJson, Is.EqualTo("\"inv_1mailer\""));
    }

    [Test]
    public async Task A_replayed_delayed_send_matches_whatever_its_recorded_invoke_time()
    {
        var r = await Replay.RunAsync(Svc, "delayed", new JournalBuilder().Input("3")
            .OneWayCall("Mailer", "remind", "3", 1, invokeTime: DateTimeOffset.UnixEpoch.AddDays(1)));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("\"scheduled\""));
    }

    [Test]
    public async Task A_send_uses_one_completion_id_so_a_following_call_gets_2_and_3()
    {
        var r = await Replay.RunAsync(Svc, "sendThenCall", new JournalBuilder().Input("3"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OneWayCallCommand, MessageType.CallCommand, MessageType.Suspension }));
        var call = r.At<CallCommandMessage>(1);
        Assert.That((call.InvocationIdNotificationIdx, call.ResultCompletionId), Is.EqualTo((2u, 3u)));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 3 }));
    }

    [Test]
    public async Task An_empty_idempotency_key_is_refused()
    {
        var r = await Replay.RunAsync(Svc, "emptyKey", new JournalBuilder().Input("3"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Message, Does.Contain("idempotency key"));
    }

    [Test]
    public async Task Bidi_the_invocation_id_resumes_the_handler()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "awaitId", new JournalBuilder().Input("3"));
        await d.NextAsync(MessageType.OneWayCallCommand);
        await d.SendAsync(new JournalBuilder().CallInvocationId(1, "inv_1live"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("\"inv_1live\""));
        await d.NextAsync(MessageType.End);
    }
}
