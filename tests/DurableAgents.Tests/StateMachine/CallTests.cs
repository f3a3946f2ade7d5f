using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Request-response calls: CallCommand fields, the two completion ids, results and failures.</summary>
public sealed class CallTests
{
    private static readonly ServiceDefinition Svc = Service("Caller",
        Handler<int, int>("service", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n)),
        Handler<int, int>("object", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForObject("Counter", "bob", "add"), n)),
        Handler<int, int>("headers", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n, new CallOptions
        {
            Headers = new Dictionary<string, string> { ["x-b"] = "2", ["x-a"] = "1", ["X-C"] = "3" },
        })),
        Handler<int, int>("idempotent", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n,
            new CallOptions { IdempotencyKey = "pay-42", Name = "double-it" })),
        Handler<int, int>("emptyKey", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n,
            new CallOptions { IdempotencyKey = "" })),
        Handler<int, int>("noTarget", async (ctx, n) => await ctx.CallAsync<int, int>(CallTarget.ForService("", "double"), n)),
        Handler<int, string>("catching", async (ctx, n) =>
        {
            try
            {
                return (await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n)).ToString();
            }
            catch (TerminalException e)
            {
                return $"callee failed {e.Code}: {e.Message}";
            }
        }),
        Handler<string, string>("raw", async (ctx, s) =>
            System.Text.Encoding.UTF8.GetString(await ctx.CallRawAsync(CallTarget.ForService("Echo", "echo"), JournalBuilder.Utf8("raw:" + s)))),
        Handler<int, int>("two", async (ctx, n) =>
        {
            var a = await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), n);
            return await ctx.CallAsync<int, int>(CallTarget.ForService("Math", "double"), a);
        }));

    [Test]
    public async Task A_call_journals_its_target_and_two_ids_and_suspends_on_the_result_only()
    {
        var r = await Replay.RunAsync(Svc, "service", new JournalBuilder().Input("21"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.CallCommand, MessageType.Suspension }));
        var call = r.At<CallCommandMessage>(0);
        Assert.That(call.ServiceName, Is.EqualTo("Math"));
        Assert.That(call.HandlerName, Is.EqualTo("double"));
        Assert.That(call.Parameter.ToStringUtf8(), Is.EqualTo("21"));
        Assert.That(call.Key, Is.Empty);
        Assert.That(call.HasIdempotencyKey, Is.False);
        Assert.That(call.Headers, Is.Empty);
        Assert.That(call.InvocationIdNotificationIdx, Is.EqualTo(1));
        Assert.That(call.ResultCompletionId, Is.EqualTo(2));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 2 }));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task A_call_to_a_virtual_object_carries_the_key()
    {
        var r = await Replay.RunAsync(Svc, "object", new JournalBuilder().Input("5"));
        var call = r.At<CallCommandMessage>(0);
        Assert.That((call.ServiceName, call.Key, call.HandlerName), Is.EqualTo(("Counter", "bob", "add")));
    }

    [Test]
    public async Task Call_headers_are_journaled_in_ordinal_key_order()
    {
        var r = await Replay.RunAsync(Svc, "headers", new JournalBuilder().Input("1"));
        var call = r.At<CallCommandMessage>(0);
        Assert.That(call.Headers.Select(h => (h.Key, h.Value)), Is.EqualTo(new[] { ("X-C", "3"), ("x-a", "1"), ("x-b", "2") }));
    }

    [Test]
    public async Task The_idempotency_key_and_entry_name_are_journaled()
    {
        var r = await Replay.RunAsync(Svc, "idempotent", new JournalBuilder().Input("1"));
        var call = r.At<CallCommandMessage>(0);
        Assert.That(call.HasIdempotencyKey, Is.True);
        Assert.That(call.IdempotencyKey, Is.EqualTo("pay-42"));
        Assert.That(call.Name, Is.EqualTo("double-it"));
    }

    [Test]
    public async Task An_empty_idempotency_key_is_refused_before_anything_is_journaled()
    {
        var r = await Replay.RunAsync(Svc, "emptyKey", new JournalBuilder().Input("1"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Code, Is.EqualTo(500));
        Assert.That(r.Error.Message, Does.Contain("idempotency key"));
    }

    [Test]
    public async Task A_call_without_a_service_name_is_refused_before_anything_is_journaled()
    {
        var r = await Replay.RunAsync(Svc, "noTarget", new JournalBuilder().Input("1"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Message, Does.Contain("service and a handler"));
    }

    [Test]
    public async Task A_journaled_call_result_replays_to_the_output()
    {
        var r = await Replay.RunAsync(Svc, "service", new JournalBuilder().Input("21")
            .Call("Math", "double", "21", 1, 2).CallInvocationId(1, "inv_callee").CallCompletion(2, "42"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("42"));
    }

    [Test]
    public async Task A_journaled_call_with_headers_key_and_idempotency_key_matches_on_replay()
    {
        var r = await Replay.RunAsync(Svc, "idempotent", new JournalBuilder().Input("1")
            .Call("Math", "double", "1", 1, 2, idempotencyKey: "pay-42", name: "double-it").CallCompletion(2, "2"));
        Assert.That(r.OutputJson, Is.EqualTo("2"));
        var h = await Replay.RunAsync(Svc, "headers", new JournalBuilder().Input("1")
            .Call("Math", "double", "1", 1, 2, headers: new Dictionary<string, string> { ["x-a"] = "1", ["x-b"] = "2", ["X-C"] = "3" }).CallCompletion(2, "2"));
        Assert.That(h.OutputJson, Is.EqualTo("2"));
    }

    [Test]
    public async Task A_callee_failure_is_rethrown_as_a_terminal_exception()
    {
        var r = await Replay.RunAsync(Svc, "catching", new JournalBuilder().Input("1")
            .Call("Math", "double", "1", 1, 2).CallFailure(2, 422, "odd numbers only"));
        Assert.That(r.OutputJson, Is.EqualTo("\"callee failed 422: odd numbers only\""));
    }

    [Test]
    public async Task An_uncaught_callee_failure_becomes_the_callers_failed_output()
    {
        var r = await Replay.RunAsync(Svc, "service", new JournalBuilder().Input("1")
            .Call("Math", "double", "1", 1, 2).CallFailure(2, 422, "odd numbers only"));
        Assert.That(r.OutputFailure.Code, Is.EqualTo(422));
        Assert.That(r.OutputFailure.Message, Is.EqualTo("odd numbers only"));
    }

    [Test]
    public async Task A_raw_call_passes_bytes_through_both_ways()
    {
        var r = await Replay.RunAsync(Svc, "raw", new JournalBuilder().Input("\"x\""));
        Assert.That(r.At<CallCommandMessage>(0).Parameter.ToStringUtf8(), Is.EqualTo("raw:x"));
        var replay = await Replay.RunAsync(Svc, "raw", new JournalBuilder().Input("\"x\"").Call("Echo", "echo", "raw:x", 1, 2).CallCompletion(2, "not json at all"));
        Assert.That(replay.OutputJson, Is.EqualTo("\"not json at all\""));
    }

    [Test]
    public async Task The_second_call_gets_ids_3_and_4()
    {
        var r = await Replay.RunAsync(Svc, "two", new JournalBuilder().Input("1").Call("Math", "double", "1", 1, 2).CallCompletion(2, "2"));
        var call = r.At<CallCommandMessage>(0);
        Assert.That((call.InvocationIdNotificationIdx, call.ResultCompletionId, call.Parameter.ToStringUtf8()), Is.EqualTo((3u, 4u, "2")));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 4 }));
    }

    [Test]
    public async Task Bidi_the_result_may_arrive_before_the_invocation_id()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "service", new JournalBuilder().Input("21"));
        await d.NextAsync(MessageType.CallCommand);
        await d.SendAsync(new JournalBuilder().CallCompletion(2, "42"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("42"));
        await d.NextAsync(MessageType.End);
        await d.SendAsync(new JournalBuilder().CallInvocationId(1, "inv_late"));
        Assert.That((await d.FinishAsync()).Outcome, Is.EqualTo(InvocationOutcome.Ended));
    }

    [Test]
    public async Task Bidi_the_invocation_id_alone_does_not_resume_the_handler()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "service", new JournalBuilder().Input("21"));
        await d.NextAsync(MessageType.CallCommand);
        await d.SendAsync(new JournalBuilder().CallInvocationId(1, "inv_callee"));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(300)), Is.True);
        await d.SendAsync(new JournalBuilder().CallCompletion(2, "42"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("42"));
    }
}
