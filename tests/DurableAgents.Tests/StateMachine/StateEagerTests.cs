using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Eager state: values from the StartMessage's state map, complete vs partial state, the local view.</summary>
public sealed class StateEagerTests
{
    internal static readonly ServiceDefinition Counter = Object("Counter",
        Shared<string, int>("get", async (ctx, _) => await ctx.GetAsync<int>("count")),
        Shared<string, string>("tryGet", async (ctx, key) =>
        {
            var v = await ctx.TryGetAsync<string>(key);
            return $"{v.Exists}:{v.Value ?? "null"}";
        }),
        Shared<string, string[]>("keys", async (ctx, _) => (await ctx.GetStateKeysAsync()).ToArray()),
        Exclusive<int, int>("add", async (ctx, delta) =>
        {
            var next = await ctx.GetAsync<int>("count") + delta;
            ctx.Set("count", next);
            return next;
        }),
        Exclusive<string, string>("setThenGet", async (ctx, _) =>
        {
            ctx.Set("k", "new");
            return await ctx.GetAsync<string>("k") ?? "null";
        }),
        Exclusive<string, string>("clearThenGet", async (ctx, _) =>
        {
            ctx.Clear("k");
            return await ctx.GetAsync<string>("k") ?? "null";
        }),
        Exclusive<string, string>("clearAllThenGet", async (ctx, _) =>
        {
            ctx.ClearAll();
            var keys = await ctx.GetStateKeysAsync();
            return (await ctx.GetAsync<string>("k") ?? "null") + ":" + keys.Count;
        }),
        Shared<string, int>("getThenSleep", async (ctx, _) =>
        {
            var v = await ctx.GetAsync<int>("count");
            await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            return v;
        }));

    private static JournalBuilder Complete(params (string Key, string Json)[] state)
        => new JournalBuilder(key: "alice").State(state.ToDictionary(s => s.Key, s => s.Json));

    [Test]
    public async Task A_key_in_the_state_map_is_read_eagerly_with_its_value_inline()
    {
        var r = await Replay.RunAsync(Counter, "get", Complete(("count", "42")).Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetEagerStateCommand, MessageType.OutputCommand, MessageType.End }));
        var get = r.At<GetEagerStateCommandMessage>(0);
        Assert.That(get.Key.ToStringUtf8(), Is.EqualTo("count"));
        Assert.That(get.ResultCase, Is.EqualTo(GetEagerStateCommandMessage.ResultOneofCase.Value));
        Assert.That(get.Value.Content.ToStringUtf8(), Is.EqualTo("42"));
        Assert.That(r.OutputJson, Is.EqualTo("42"));
    }

    [Test]
    public async Task An_absent_key_of_complete_state_is_read_eagerly_as_void()
    {
        var r = await Replay.RunAsync(Counter, "get", Complete().Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetEagerStateCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.At<GetEagerStateCommandMessage>(0).ResultCase, Is.EqualTo(GetEagerStateCommandMessage.ResultOneofCase.Void));
        Assert.That(r.OutputJson, Is.EqualTo("0"));
    }

    [Test]
    public async Task A_key_in_a_partial_state_map_is_still_read_eagerly()
    {
        var r = await Replay.RunAsync(Counter, "get", new JournalBuilder(key: "alice").State(new Dictionary<string, string> { ["count"] = "7" }, partial: true).Input("null"));
        Assert.That(r.At<GetEagerStateCommandMessage>(0).Value.Content.ToStringUtf8(), Is.EqualTo("7"));
        Assert.That(r.OutputJson, Is.EqualTo("7"));
    }

    [Test]
    public async Task TryGet_tells_present_absent_and_present_but_empty_apart()
    {
        var present = await Replay.RunAsync(Counter, "tryGet", Complete(("name", "\"ann\"")).Input("\"name\""));
        Assert.That(present.OutputJson, Is.EqualTo("\"True:ann\""));
        var absent = await Replay.RunAsync(Counter, "tryGet", Complete(("name", "\"ann\"")).Input("\"other\""));
        Assert.That(absent.OutputJson, Is.EqualTo("\"False:null\""));
        var empty = await Replay.RunAsync(Counter, "tryGet", Complete(("name", "")).Input("\"name\""));
        Assert.That(empty.At<GetEagerStateCommandMessage>(0).ResultCase, Is.EqualTo(GetEagerStateCommandMessage.ResultOneofCase.Value));
        Assert.That(empty.OutputJson, Is.EqualTo("\"True:null\""));
    }

    [Test]
    public async Task The_keys_of_complete_state_are_read_eagerly_and_ordinal_sorted()
    {
        var r = await Replay.RunAsync(Counter, "keys", Complete(("b", "1"), ("a", "2"), ("C", "3")).Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetEagerStateKeysCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.At<GetEagerStateKeysCommandMessage>(0).Value.Keys.Select(k => k.ToStringUtf8()), Is.EqualTo(new[] { "C", "a", "b" }));
        Assert.That(r.OutputJson, Is.EqualTo("[\"C\",\"a\",\"b\"]"));
    }

    [Test]
    public async Task Read_modify_write_reads_eagerly_and_sets_the_new_value()
    {
        var r = await Replay.RunAsync(Counter, "add", Complete(("count", "42")).Input("1"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetEagerStateCommand, MessageType.SetStateCommand, MessageType.OutputCommand, MessageType.End }));
        var set = r.At<SetStateCommandMessage>(1);
        Assert.That((set.Key.ToStringUtf8(), set.Value.Content.ToStringUtf8()), Is.EqualTo(("count", "43")));
        Assert.That(r.OutputJson, Is.EqualTo("43"));
    }

    [Test]
    public async Task A_set_updates_the_local_view_so_the_next_read_is_eager_even_on_partial_state()
    {
        var r = await Replay.RunAsync(Counter, "setThenGet", new JournalBuilder(key: "alice").Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.SetStateCommand, MessageType.GetEagerStateCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.At<GetEagerStateCommandMessage>(1).Value.Content.ToStringUtf8(), Is.EqualTo("\"new\""));
        Assert.That(r.OutputJson, Is.EqualTo("\"new\""));
    }

    [Test]
    public async Task A_clear_makes_the_next_read_an_eager_void_even_on_partial_state()
    {
        var r = await Replay.RunAsync(Counter, "clearThenGet", new JournalBuilder(key: "alice").State(new Dictionary<string, string> { ["k"] = "\"old\"" }, partial: true).Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.ClearStateCommand, MessageType.GetEagerStateCommand, MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.At<GetEagerStateCommandMessage>(1).ResultCase, Is.EqualTo(GetEagerStateCommandMessage.ResultOneofCase.Void));
        Assert.That(r.OutputJson, Is.EqualTo("\"null\""));
    }

    [Test]
    public async Task Clear_all_makes_partial_state_complete_and_empty()
    {
        var r = await Replay.RunAsync(Counter, "clearAllThenGet", new JournalBuilder(key: "alice").State(new Dictionary<string, string> { ["k"] = "\"old\"" }, partial: true).Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[]
        {
            MessageType.ClearAllStateCommand, MessageType.GetEagerStateKeysCommand, MessageType.GetEagerStateCommand, MessageType.OutputCommand, MessageType.End,
        }));
        Assert.That(r.At<GetEagerStateKeysCommandMessage>(1).Value.Keys, Is.Empty);
        Assert.That(r.At<GetEagerStateCommandMessage>(2).ResultCase, Is.EqualTo(GetEagerStateCommandMessage.ResultOneofCase.Void));
        Assert.That(r.OutputJson, Is.EqualTo("\"null:0\""));
    }

    [Test]
    public async Task An_eager_read_consumes_a_completion_id_like_the_reference_state_machine()
    {
        var r = await Replay.RunAsync(Counter, "getThenSleep", Complete(("count", "1")).Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetEagerStateCommand, MessageType.SleepCommand, MessageType.Suspension }));
        Assert.That(r.At<SleepCommandMessage>(1).ResultCompletionId, Is.EqualTo(2));
    }

    [Test]
    public async Task A_replayed_eager_read_returns_the_journaled_value_not_the_current_state()
    {
        var r = await Replay.RunAsync(Counter, "get", Complete(("count", "99")).Input("null").GetEagerState("count", "5"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("5"));
    }
}
