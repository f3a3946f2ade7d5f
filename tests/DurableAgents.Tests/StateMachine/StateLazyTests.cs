using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Lazy state: GetLazyState / GetLazyStateKeys and their completions when the state map is partial.</summary>
public sealed class StateLazyTests
{
    private static readonly Definitions.ServiceDefinition Counter = StateEagerTests.Counter;

    private static JournalBuilder Partial() => new JournalBuilder(key: "alice").State(new Dictionary<string, string>(), partial: true);

    [Test]
    public async Task An_unknown_key_of_partial_state_is_read_lazily_and_suspends_on_its_completion()
    {
        var r = await Replay.RunAsync(Counter, "get", Partial().Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetLazyStateCommand, MessageType.Suspension }));
        var get = r.At<GetLazyStateCommandMessage>(0);
        Assert.That((get.Key.ToStringUtf8(), get.ResultCompletionId), Is.EqualTo(("count", 1u)));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
        Assert.That(r.Suspension.WaitingSignals, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task A_journaled_lazy_read_returns_its_value()
    {
        var r = await Replay.RunAsync(Counter, "get", Partial().Input("null").GetLazyState("count", 1).GetLazyStateCompletion(1, "17"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("17"));
    }

    [Test]
    public async Task A_void_lazy_completion_means_absent()
    {
        var r = await Replay.RunAsync(Counter, "tryGet", Partial().Input("\"name\"").GetLazyState("name", 1).GetLazyStateCompletion(1, null));
        Assert.That(r.OutputJson, Is.EqualTo("\"False:null\""));
    }

    [Test]
    public async Task The_keys_of_partial_state_are_read_lazily()
    {
        var r = await Replay.RunAsync(Counter, "keys", Partial().Input("null"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.GetLazyStateKeysCommand, MessageType.Suspension }));
        Assert.That(r.At<GetLazyStateKeysCommandMessage>(0).ResultCompletionId, Is.EqualTo(1));
        Assert.That(r.Suspension.WaitingCompletions, Is.EqualTo(new uint[] { 1 }));
    }

    [Test]
    public async Task Journaled_lazy_keys_are_returned_ordinal_sorted()
    {
        var r = await Replay.RunAsync(Counter, "keys", Partial().Input("null").GetLazyStateKeys(1).GetLazyStateKeysCompletion(1, "zeta", "Alpha", "beta"));
        Assert.That(r.OutputJson, Is.EqualTo("[\"Alpha\",\"beta\",\"zeta\"]"));
    }

    [Test]
    public async Task A_journaled_eager_read_is_accepted_where_the_code_would_now_read_lazily()
    {
        var r = await Replay.RunAsync(Counter, "get", Partial().Input("null").GetEagerState("count", "8"));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        Assert.That(r.OutputJson, Is.EqualTo("8"));
    }

    [Test]
    public async Task A_journaled_lazy_read_is_accepted_where_the_code_would_now_read_eagerly()
    {
        var journal = new JournalBuilder(key: "alice").State(new Dictionary<string, string> { ["count"] = "100" })
            .Input("null").GetLazyState("count", 1).GetLazyStateCompletion(1, "3");
        var r = await Replay.RunAsync(Counter, "get", journal);
        Assert.That(r.OutputJson, Is.EqualTo("3"));
    }

    [Test]
    public async Task A_lazy_read_for_another_key_than_journaled_is_a_mismatch()
    {
        var r = await Replay.RunAsync(Counter, "get", Partial().Input("null").GetLazyState("total", 1).GetLazyStateCompletion(1, "3"));
        Assert.That(r.Error.Code, Is.EqualTo(570));
        Assert.That(r.Error.RelatedCommandIndex, Is.EqualTo(1));
        Assert.That(r.Error.RelatedCommandType, Is.EqualTo((uint)MessageType.GetLazyStateCommand));
    }

    [Test]
    public async Task Bidi_the_lazy_completion_resumes_the_handler()
    {
        await using var d = await BidiDriver.StartAsync(Counter, "add", Partial().Input("2"));
        Assert.That((await d.NextAsync(MessageType.GetLazyStateCommand)).As<GetLazyStateCommandMessage>().ResultCompletionId, Is.EqualTo(1));
        await d.SendAsync(new JournalBuilder().GetLazyStateCompletion(1, "40"));
        Assert.That((await d.NextAsync(MessageType.SetStateCommand)).As<SetStateCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("42"));
        Assert.That((await d.NextAsync(MessageType.OutputCommand)).As<OutputCommandMessage>().Value.Content.ToStringUtf8(), Is.EqualTo("42"));
        await d.NextAsync(MessageType.End);
    }
}
