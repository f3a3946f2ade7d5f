using System.Buffers.Binary;
using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Awakeables: signal ids from 17, the <c>sign_1</c> id format, resolve/reject, completing another invocation's.</summary>
public sealed class AwakeableTests
{
    private static readonly byte[] VectorInvocationId = Convert.FromHexString("c2c8362f26bbe7539df9d0dd11697edf919cab1955ad0cc2");

    private static readonly ServiceDefinition Svc = Service("Awake",
        Handler<string, string>("wait", async (ctx, _) =>
        {
            var a = ctx.Awakeable<string>();
            return $"{a.Id}|{await a.Value}";
        }),
        Handler<string, string[]>("ids", (ctx, _) => Task.FromResult(new[] { ctx.Awakeable<string>().Id, ctx.Awakeable<string>().Id })),
        Handler<string, string>("catching", async (ctx, _) =>
        {
            try
            {
                return await ctx.Awakeable<string>().Value;
            }
            catch (TerminalException e)
            {
                return $"rejected {e.Code} {e.Message}";
            }
        }),
        Handler<string, string>("second", async (ctx, _) =>
        {
            var first = ctx.Awakeable<string>();
            GC.KeepAlive(first);
            return await ctx.Awakeable<string>().Value;
        }),
        Handler<string, int>("thenSleep", async (ctx, _) =>
        {
            var first = ctx.Awakeable<string>();
            GC.KeepAlive(first);
            await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            return 1;
        }),
        Handler<string, string>("resolveOther", (ctx, id) =>
        {
            ctx.ResolveAwakeable(id, new Order("o1", 2, 3m));
            return Task.FromResult("resolved");
        }),
        Handler<string, string>("rejectOther", (ctx, id) =>
        {
            ctx.RejectAwakeable(id, "no stock", 409);
            return Task.FromResult("rejected");
        }));

    private static string ExpectedId(byte[] invocationId, uint signal)
    {
        var raw = new byte[invocationId.Length + 4];
        invocationId.CopyTo(raw, 0);
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(invocationId.Length), signal);
        return "sign_1" + Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    [Test]
    public async Task Creating_an_awakeable_journals_nothing_and_awaiting_it_suspends_on_signal_17_and_cancel()
    {
        var r = await Replay.RunAsync(Svc, "wait", new JournalBuilder().Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Suspension }));
        Assert.That(r.Suspension.WaitingCompletions, Is.Empty);
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 17, 1 }));
    }

    [Test]
    public async Task The_id_is_sign_1_and_base64url_of_the_invocation_id_and_the_signal_id()
    {
        var r = await Replay.RunAsync(Svc, "ids", new JournalBuilder(invocationId: VectorInvocationId).Input("\"x\""));
        Assert.That(r.OutputJson, Is.EqualTo($"[\"{ExpectedId(VectorInvocationId, 17)}\",\"{ExpectedId(VectorInvocationId, 18)}\"]"));
        Assert.That(r.OutputJson, Does.StartWith("[\"sign_1wsg2Lya751Od-dDdEWl-35GcqxlVrQzCAAAAEQ\""), "the id restate-server 1.7.12 accepted");
    }

    [Test]
    public async Task A_resolved_awakeable_in_the_journal_returns_its_value()
    {
        var r = await Replay.RunAsync(Svc, "wait", new JournalBuilder(invocationId: VectorInvocationId).Input("\"x\"").SignalValue(17, "\"pong\""));
        Assert.That(r.OutputJson, Is.EqualTo($"\"{ExpectedId(VectorInvocationId, 17)}|pong\""));
    }

    [Test]
    public async Task A_rejected_awakeable_throws_its_failure()
    {
        var r = await Replay.RunAsync(Svc, "catching", new JournalBuilder().Input("\"x\"").SignalFailure(17, 503, "upstream down"));
        Assert.That(r.OutputJson, Is.EqualTo("\"rejected 503 upstream down\""));
    }

    [Test]
    public async Task The_second_awakeable_waits_on_signal_18_only()
    {
        var r = await Replay.RunAsync(Svc, "second", new JournalBuilder().Input("\"x\"").SignalValue(17, "\"first\""));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 18, 1 }));
        var done = await Replay.RunAsync(Svc, "second", new JournalBuilder().Input("\"x\"").SignalValue(17, "\"first\"").SignalValue(18, "\"second\""));
        Assert.That(done.OutputJson, Is.EqualTo("\"second\""));
    }

    [Test]
    public async Task Awakeables_do_not_consume_completion_ids()
    {
        var r = await Replay.RunAsync(Svc, "thenSleep", new JournalBuilder().Input("\"x\""));
        Assert.That(r.At<SleepCommandMessage>(0).ResultCompletionId, Is.EqualTo(1));
    }

    [Test]
    public async Task Resolving_another_invocations_awakeable_journals_a_complete_awakeable_command()
    {
        var id = ExpectedId(VectorInvocationId, 17);
        var r = await Replay.RunAsync(Svc, "resolveOther", new JournalBuilder().Input($"\"{id}\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.CompleteAwakeableCommand, MessageType.OutputCommand, MessageType.End }));
        var cmd = r.At<CompleteAwakeableCommandMessage>(0);
        Assert.That(cmd.AwakeableId, Is.EqualTo(id));
        Assert.That(cmd.ResultCase, Is.EqualTo(CompleteAwakeableCommandMessage.ResultOneofCase.Value));
        Assert.That(cmd.Value.Content.ToStringUtf8(), Is.EqualTo("{\"id\":\"o1\",\"quantity\":2,\"price\":3}"));
    }

    [Test]
    public async Task Rejecting_another_invocations_awakeable_journals_its_failure()
    {
        var r = await Replay.RunAsync(Svc, "rejectOther", new JournalBuilder().Input("\"sign_1abc\""));
        var cmd = r.At<CompleteAwakeableCommandMessage>(0);
        Assert.That(cmd.AwakeableId, Is.EqualTo("sign_1abc"));
        Assert.That(cmd.ResultCase, Is.EqualTo(CompleteAwakeableCommandMessage.ResultOneofCase.Failure));
        Assert.That((cmd.Failure.Code, cmd.Failure.Message), Is.EqualTo((409u, "no stock")));
    }

    [Test]
    public async Task A_journaled_completion_of_another_awakeable_replays()
    {
        var r = await Replay.RunAsync(Svc, "rejectOther", new JournalBuilder().Input("\"sign_1abc\"").RejectAwakeable("sign_1abc", 409, "no stock"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        var ok = await Replay.RunAsync(Svc, "resolveOther", new JournalBuilder().Input("\"sign_1abc\"")
            .ResolveAwakeable("sign_1abc", "{\"id\":\"o1\",\"quantity\":2,\"price\":3}"));
        Assert.That(ok.OutputJson, Is.EqualTo("\"resolved\""));
    }

    [Test]
    public async Task Completing_a_different_awakeable_than_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Svc, "rejectOther", new JournalBuilder().Input("\"sign_1abc\"").RejectAwakeable("sign_1xyz", 409, "no stock"));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.CompleteAwakeableCommand));
    }

    [Test]
    public async Task Bidi_the_signal_resumes_the_handler()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "wait", new JournalBuilder(invocationId: VectorInvocationId).Input("\"x\""));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(200)), Is.True, "nothing is journaled for an awakeable");
        await d.SendAsync(new JournalBuilder().SignalValue(17, "\"late\""));
        var output = (await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>();
        Assert.That(output.Value.Content.ToStringUtf8(), Is.EqualTo($"\"{ExpectedId(VectorInvocationId, 17)}|late\""));
        await d.NextAsync(MessageType.End);
    }

    [Test]
    public async Task Bidi_a_signal_for_another_awakeable_does_not_resume_it()
    {
        await using var d = await BidiDriver.StartAsync(Svc, "wait", new JournalBuilder().Input("\"x\""));
        await d.SendAsync(new JournalBuilder().SignalValue(18, "\"other\""));
        Assert.That(await d.QuietForAsync(TimeSpan.FromMilliseconds(300)), Is.True);
        var (_, unread) = await d.FinishAsync();
        Assert.That(unread.Single().As<SuspensionMessage>().WaitingSignals, Is.EqualTo(new uint[] { 17, 1 }));
    }
}
