using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>State writes: SetState, ClearState, ClearAllState, and their replay checks.</summary>
public sealed class StateWriteTests
{
    private static readonly ServiceDefinition Obj = Object("Cart",
        Exclusive<string, string>("edit", (ctx, _) =>
        {
            ctx.Set("order", new Order("o1", 3, 9.5m));
            ctx.Clear("coupon");
            ctx.ClearAll();
            ctx.Set("count", 1);
            return Task.FromResult("edited");
        }),
        Exclusive<string, string>("set", (ctx, v) =>
        {
            ctx.Set("name", v);
            return Task.FromResult("ok");
        }),
        Exclusive<string, string>("clear", (ctx, key) =>
        {
            ctx.Clear(key);
            return Task.FromResult("ok");
        }));

    private static readonly ServiceDefinition Flow = Workflow("Flow",
        WorkflowRun<string, string>("run", (ctx, v) =>
        {
            ctx.Set("status", v);
            return Task.FromResult("ok");
        }));

    [Test]
    public async Task Writes_are_journaled_in_order_with_their_keys_and_json_values()
    {
        var r = await Replay.RunAsync(Obj, "edit", new JournalBuilder(key: "k").Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[]
        {
            MessageType.SetStateCommand, MessageType.ClearStateCommand, MessageType.ClearAllStateCommand, MessageType.SetStateCommand,
            MessageType.OutputCommand, MessageType.End,
        }));
        var first = r.At<SetStateCommandMessage>(0);
        Assert.That((first.Key.ToStringUtf8(), first.Value.Content.ToStringUtf8()), Is.EqualTo(("order", "{\"id\":\"o1\",\"quantity\":3,\"price\":9.5}")));
        Assert.That(r.At<ClearStateCommandMessage>(1).Key.ToStringUtf8(), Is.EqualTo("coupon"));
        var last = r.At<SetStateCommandMessage>(3);
        Assert.That((last.Key.ToStringUtf8(), last.Value.Content.ToStringUtf8()), Is.EqualTo(("count", "1")));
    }

    [Test]
    public async Task Journaled_writes_replay_without_being_sent_again()
    {
        var r = await Replay.RunAsync(Obj, "edit", new JournalBuilder(key: "k").Input("null")
            .SetState("order", "{\"id\":\"o1\",\"quantity\":3,\"price\":9.5}").ClearState("coupon").ClearAllState().SetState("count", "1"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("\"edited\""));
    }

    [Test]
    public async Task A_set_with_another_value_than_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Obj, "set", new JournalBuilder(key: "k").Input("\"new\"").SetState("name", "\"old\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.Error }));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.SetStateCommand));
        Assert.That(r.Error.Message, Does.Contain("key=\"name\""));
    }

    [Test]
    public async Task A_clear_of_another_key_than_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Obj, "clear", new JournalBuilder(key: "k").Input("\"a\"").ClearState("b"));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.ClearStateCommand));
        Assert.That(r.Error.Message, Does.Contain("key=\"a\"").And.Contain("key=\"b\""));
    }

    [Test]
    public async Task A_clear_all_where_a_clear_was_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Obj, "edit", new JournalBuilder(key: "k").Input("null")
            .SetState("order", "{\"id\":\"o1\",\"quantity\":3,\"price\":9.5}").ClearAllState());
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(2));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.ClearStateCommand));
    }

    [Test]
    public async Task The_workflow_run_handler_may_write_state()
    {
        var r = await Replay.RunAsync(Flow, "run", new JournalBuilder(key: "wf-1").Input("\"started\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SetStateCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.At<SetStateCommandMessage>(0).Value.Content.ToStringUtf8(), Is.EqualTo("\"started\""));
    }
}
