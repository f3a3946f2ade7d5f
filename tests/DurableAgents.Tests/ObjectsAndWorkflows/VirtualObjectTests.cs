using DurableAgents.Definitions;
using static DurableAgents.Tests.ObjectsAndWorkflows.OwServices;

namespace DurableAgents.Tests.ObjectsAndWorkflows;

[TestFixture]
[NonParallelizable]
public sealed class VirtualObjectTests : OwFixture
{
    internal override IEnumerable<ServiceDefinition> Services =>
    [
        Counter(),
        Counter("OwLazyCounter", new ServiceOptions { EnableLazyState = true, JournalRetention = TimeSpan.FromHours(1) }),
    ];

    [Test]
    public async Task Two_hundred_concurrent_increments_through_the_ingress_lose_no_update()
    {
        var key = NewTag("count");
        var target = CallTarget.ForObject("OwCounter", key, "add");
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Ingress.CallAsync<int, int>(target, 1)));

        // Exclusive handlers of one key run one at a time: every add saw the previous one's write.
        Assert.That(results.Order(), Is.EqualTo(Enumerable.Range(1, 200)));
        Assert.That(await Ingress.CallAsync<string, int>(CallTarget.ForObject("OwCounter", key, "get"), ""), Is.EqualTo(200));
    }

    [Test]
    public async Task Keys_are_independent_and_state_keys_are_listed()
    {
        var a = NewTag("a");
        var b = NewTag("b");
        Assert.That(await Ingress.CallAsync<int, int>(CallTarget.ForObject("OwCounter", a, "add"), 5), Is.EqualTo(5));
        Assert.That(await Ingress.CallAsync<int, int>(CallTarget.ForObject("OwCounter", b, "add"), 7), Is.EqualTo(7));
        Assert.That(await Ingress.CallAsync<string, string>(CallTarget.ForObject("OwCounter", a, "note"), "hi"), Is.EqualTo("<none>|count,note"));
        Assert.That(await Ingress.CallAsync<string, string>(CallTarget.ForObject("OwCounter", a, "note"), "again"), Is.EqualTo("hi|count,note"));
        Assert.That(await Ingress.CallAsync<string, string[]>(CallTarget.ForObject("OwCounter", b, "keys"), ""), Is.EqualTo(new[] { "count" }));
    }

    [Test]
    public async Task Lazy_state_reads_go_through_GetLazyState_commands()
    {
        var key = NewTag("lazy");
        Assert.That(await Ingress.CallAsync<int, int>(CallTarget.ForObject("OwLazyCounter", key, "add"), 3), Is.EqualTo(3));
        var (value, invocationId) = await Ingress.CallWithIdAsync<int, int>(CallTarget.ForObject("OwLazyCounter", key, "add"), 4);
        Assert.That(value, Is.EqualTo(7));
        var (note, noteId) = await Ingress.CallWithIdAsync<string, string>(CallTarget.ForObject("OwLazyCounter", key, "note"), "x");
        Assert.That(note, Is.EqualTo("<none>|count,note"));
        Assert.That(await Ingress.CallAsync<string, string[]>(CallTarget.ForObject("OwLazyCounter", key, "keys"), ""), Is.EqualTo(new[] { "count", "note" }));

        // The journal (retained for an hour by the service's journalRetention) shows lazy reads, not eager ones.
        var addEntries = await JournalEntryTypesAsync(invocationId!);
        var noteEntries = await JournalEntryTypesAsync(noteId!);
        Assert.Multiple(() =>
        {
            Assert.That(addEntries, Has.Some.Contains("GetLazyState"), string.Join(", ", addEntries));
            Assert.That(addEntries, Has.None.Contains("GetEagerState"), string.Join(", ", addEntries));
            Assert.That(noteEntries, Has.Some.Contains("GetLazyStateKeys"), string.Join(", ", noteEntries));
        });
    }

    private async Task<List<string>> JournalEntryTypesAsync(string invocationId)
    {
        var rows = await Admin.QueryAsync($"select entry_type from sys_journal where id = '{invocationId}' order by index");
        return rows.Select(r => (string?)r!["entry_type"] ?? "").ToList();
    }
}

/// <summary>Object state lives in Restate: a new endpoint process (new port, re-registered) sees it.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ObjectStateRestartTests : OwFixture
{
    internal override IEnumerable<ServiceDefinition> Services => [Counter()];

    [Test]
    public async Task State_survives_a_restart_of_the_service_on_a_new_port()
    {
        var key = NewTag("restart");
        await Ingress.CallAsync<int, int>(CallTarget.ForObject("OwCounter", key, "add"), 41);
        var oldPort = Host.Port;

        await Host.StopAsync();
        await Host.DisposeAsync();
        var replacement = await StartHostAsync();
        ReplaceHost(replacement);
        Assert.That(replacement.Port, Is.Not.EqualTo(oldPort));
        await Admin.RegisterDeploymentAsync(replacement.Uri, force: true);

        Assert.That(await Ingress.CallAsync<int, int>(CallTarget.ForObject("OwCounter", key, "add"), 1), Is.EqualTo(42));
        Assert.That(await Ingress.CallAsync<string, int>(CallTarget.ForObject("OwCounter", key, "get"), ""), Is.EqualTo(42));
    }
}
