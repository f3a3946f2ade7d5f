using System.Text.Json;
using DurableAgents.Definitions;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.StateMachine;

/// <summary>Deterministic helpers: random and GUIDs from Start.random_seed, journaled time, replay flags, invocation data.</summary>
public sealed class DeterminismTests
{
    private static readonly ServiceDefinition Svc = Service("Det",
        Handler<string, string[]>("random", (ctx, _) => Task.FromResult(new[] { ctx.Random.NextUInt64().ToString(), ctx.Random.NextUInt64().ToString(), ctx.NewGuid().ToString() })),
        Handler<string, string>("now", async (ctx, _) => (await ctx.NowAsync()).ToString("O")),
        Handler<string, string[]>("randomAroundStep", async (ctx, _) =>
        {
            var before = ctx.Random.NextUInt64();
            var step = await ctx.RunAsync("a", _ => Task.FromResult("a"));
            return [before.ToString(), step, ctx.Random.NextUInt64().ToString()];
        }),
        Handler<string, string>("replaying", async (ctx, _) =>
        {
            var before = ctx.IsReplaying;
            await ctx.RunAsync("a", _ => Task.FromResult(1));
            return $"{before}:{ctx.IsReplaying}";
        }));

    private static readonly ServiceDefinition Keyed = Object("DetKeyed",
        Exclusive<string, string>("identity", (ctx, _) => Task.FromResult(
            $"{ctx.InvocationId}|{ctx.Key}|{ctx.RequestHeaders["X-Tenant"]}|{ctx.RequestHeaders.Count}")));

    private static string[] Strings(Replayed r) => JsonSerializer.Deserialize<string[]>(r.OutputJson)!;

    [Test]
    public async Task Random_values_and_guids_follow_the_seed_from_start_and_journal_nothing()
    {
        var r = await Replay.RunAsync(Svc, "random", new JournalBuilder(randomSeed: 123456789).Input("\"x\""));
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.OutputCommand, MessageType.End }));
        var expected = new DurableRandom(123456789);
        var values = Strings(r);
        Assert.That(values[0], Is.EqualTo(expected.NextUInt64().ToString()));
        Assert.That(values[1], Is.EqualTo(expected.NextUInt64().ToString()));
        Assert.That(values[2], Is.EqualTo(expected.NextGuid().ToString()));
    }

    [Test]
    public async Task Another_seed_gives_other_values_and_the_same_seed_the_same()
    {
        var a = Strings(await Replay.RunAsync(Svc, "random", new JournalBuilder(randomSeed: 1).Input("\"x\"")));
        var again = Strings(await Replay.RunAsync(Svc, "random", new JournalBuilder(randomSeed: 1).Input("\"x\"")));
        var b = Strings(await Replay.RunAsync(Svc, "random", new JournalBuilder(randomSeed: 2).Input("\"x\"")));
        Assert.That(again, Is.EqualTo(a));
        Assert.That(b[0], Is.Not.EqualTo(a[0]));
        Assert.That(b[2], Is.Not.EqualTo(a[2]));
    }

    [Test]
    public async Task NewGuid_is_a_version_4_rfc_4122_guid()
    {
        var guid = Guid.Parse(Strings(await Replay.RunAsync(Svc, "random", new JournalBuilder(randomSeed: 99).Input("\"x\"")))[2]);
        Assert.That(guid.Version, Is.EqualTo(4));
        Assert.That(guid.Variant, Is.InRange(8, 11), "RFC 4122 variant bits 10xx");
    }

    [Test]
    public async Task The_random_sequence_is_the_same_whether_a_step_is_executed_or_replayed()
    {
        var first = await Replay.RunAsync(Svc, "randomAroundStep", new JournalBuilder(randomSeed: 5).Input("\"x\"").Run("a", 1).RunCompletion(1, "\"a\""));
        var expected = new DurableRandom(5);
        Assert.That(Strings(first), Is.EqualTo(new[] { expected.NextUInt64().ToString(), "a", expected.NextUInt64().ToString() }));
    }

    [Test]
    public async Task Now_is_journaled_as_a_run_named_now()
    {
        var before = DateTimeOffset.UtcNow;
        var r = await Replay.RunAsync(Svc, "now", new JournalBuilder().Input("\"x\""));
        var after = DateTimeOffset.UtcNow;
        Assert.That(r.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
        Assert.That(r.At<RunCommandMessage>(0).Name, Is.EqualTo("now"));
        var proposed = JsonSerializer.Deserialize<DateTimeOffset>(r.At<ProposeRunCompletionMessage>(1).Value.ToStringUtf8());
        Assert.That(proposed, Is.InRange(before, after));
    }

    [Test]
    public async Task Now_replays_the_journaled_time()
    {
        var r = await Replay.RunAsync(Svc, "now", new JournalBuilder().Input("\"x\"").Run("now", 1).RunCompletion(1, "\"2020-02-29T12:00:00+00:00\""));
        Assert.That(JsonSerializer.Deserialize<string>(r.OutputJson), Is.EqualTo("2020-02-29T12:00:00.0000000+00:00"));
    }

    [Test]
    public async Task IsReplaying_is_true_until_the_last_journaled_command_is_consumed()
    {
        var replayed = await Replay.RunAsync(Svc, "replaying", new JournalBuilder().Input("\"x\"").Run("a", 1).RunCompletion(1, "1"));
        Assert.That(replayed.OutputJson, Is.EqualTo("\"True:False\""));
        var fresh = await Replay.RunAsync(Svc, "replaying", new JournalBuilder().Input("\"x\""));
        Assert.That(fresh.Types, Is.EqualTo(new[] { MessageType.RunCommand, MessageType.ProposeRunCompletion, MessageType.Suspension }));
    }

    [Test]
    public async Task Invocation_id_key_and_headers_come_from_start_and_input()
    {
        var journal = new JournalBuilder(key: "tenant-7", invocationId: Enumerable.Repeat((byte)0xAB, 24).ToArray())
            .Input("\"x\"", ("x-tenant", "acme"), ("content-type", "application/json"));
        var r = await Replay.RunAsync(Keyed, "identity", journal);
        Assert.That(r.OutputJson, Is.EqualTo("\"inv_testabababababababab|tenant-7|acme|2\""));
    }
}
