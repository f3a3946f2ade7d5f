using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// A code change under an in-flight invocation: version A journals two steps and waits on an awakeable; the service
/// is swapped for version B (steps in a different order) on the same port; the retried attempt fails with 570 naming
/// the command index, the journal is left untouched, and once version A is back the invocation completes with each
/// step having run exactly once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class JournalMismatchTests
{
    private static readonly ConcurrentQueue<string> Events = new();
    private static volatile string? _awakeableId;

    private static ServiceDefinition Version(string version) => new()
    {
        Name = "Evolving",
        Type = ServiceType.Service,
        JsonTypeInfoResolver = TestJsonContext.Default,
        Options = new ServiceOptions
        {
            RetryPolicyInitialInterval = TimeSpan.FromMilliseconds(100),
            RetryPolicyMaxInterval = TimeSpan.FromMilliseconds(300),
            RetryPolicyMaxAttempts = 10_000,
            RetryPolicyOnMaxAttempts = OnMaxAttempts.Pause,
        },
        Handlers =
        [
            Handler<string, string>("process", version == "A"
                ? async (ctx, order) =>
                {
                    var reserved = await ctx.RunAsync("reserve", _ => Step("A reserve", $"reserved-{order}"));
                    var approval = ctx.Awakeable<string>();
                    await ctx.RunAsync("publish", _ => Step("A publish", _awakeableId = approval.Id));
                    var approved = await approval.Value;
                    var charged = await ctx.RunAsync("charge", _ => Step("A charge", $"charged-{order}"));
                    return $"{reserved}|{approved}|{charged}";
                }
                : async (ctx, order) =>
                {
                    // Version B charges before reserving: not replay-compatible with A's journal.
                    var charged = await ctx.RunAsync("charge", _ => Step("B charge", $"charged-{order}"));
                    var reserved = await ctx.RunAsync("reserve", _ => Step("B reserve", $"reserved-{order}"));
                    return $"{reserved}|{charged}";
                }),
        ],
    };

    private static Task<string> Step(string name, string value)
    {
        Events.Enqueue(name);
        return Task.FromResult(value);
    }

    [Test]
    public async Task A_changed_step_order_fails_with_570_at_the_command_index_and_completes_once_the_code_is_restored()
    {
        Events.Clear();
        _awakeableId = null;
        var sw = Stopwatch.StartNew();
        // A 1 s inactivity timeout lets the attempt parked on the awakeable suspend, so version A can be stopped cleanly.
        await using var server = await RestateServer.StartAsync(new RestateServerOptions
        {
            Environment = new Dictionary<string, string> { ["RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT"] = "1s" },
        });
        using var http = new HttpClient { BaseAddress = server.IngressUri, Timeout = TimeSpan.FromMinutes(2) };
        var ingress = new IngressClient(http);
        var port = RestateServer.FreePorts(1)[0];

        var a = await RestateHost.StartAsync(port, o => o.Bind(Version("A")));
        await server.RegisterAsync(a.Uri);
        var sent = await ingress.SendRawAsync(CallTarget.ForService("Evolving", "process"), Encoding.UTF8.GetBytes("\"o-1\""));
        await CrashTests.WaitForAsync(() => _awakeableId is not null && Events.Contains("A publish"), TimeSpan.FromSeconds(30), "version A to publish its awakeable");
        await CrashTests.WaitForAsync(async () => (await InvocationAsync(server, sent.InvocationId))?["status"]?.ToString() == "suspended",
            TimeSpan.FromSeconds(30), "the invocation to suspend on the awakeable");
        var journalBefore = await JournalAsync(server, sent.InvocationId);
        await a.DisposeAsync();

        await using (var b = await RestateHost.StartAsync(port, o => o.Bind(Version("B"))))
        {
            await ingress.ResolveAwakeableRawAsync(_awakeableId!, Encoding.UTF8.GetBytes("\"approved\""));
            JsonObject? row = null;
            var deadline = Stopwatch.StartNew();
            // Restate records the endpoint's ErrorMessage as "[570 Journal mismatch] <message>" with its doc code RT0016.
            while (row?["last_failure"]?.ToString()?.StartsWith("[570 ", StringComparison.Ordinal) != true && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
                row = await InvocationAsync(server, sent.InvocationId);
            }

            Assert.That(row?["last_failure"]?.ToString(), Does.StartWith("[570 Journal mismatch]"), row?.ToJsonString() + "\n" + string.Join(", ", Events));
            Assert.That(row!["last_failure_error_code"]?.ToString(), Is.EqualTo("RT0016"), row.ToJsonString());
            Assert.That(row["last_failure_related_command_index"]?.ToString(), Is.EqualTo("1"), row.ToJsonString());
            Assert.That(row["last_failure"]?.ToString(), Does.Contain("Journal mismatch at command index 1: the journal has RunCommand (name=\"reserve\") but the code now performs RunCommand (name=\"charge\")"), row.ToJsonString());
            Assert.That(row["status"]?.ToString(), Is.Not.EqualTo("completed"), row.ToJsonString());
        }

        var journalDuringB = await JournalAsync(server, sent.InvocationId);
        Assert.That(journalDuringB.Take(journalBefore.Count), Is.EqualTo(journalBefore), "version B's attempts must not rewrite the journal");
        Assert.That(journalDuringB.Select(e => e.Name), Does.Not.Contain("charge"), "version B must not journal anything (only the awakeable's signal is added)");
        Assert.That(Events.Where(e => e.StartsWith('B')), Is.Empty, "version B's step bodies never run: the mismatch is detected before any execution");

        // Code restored: version A on the same port; the invocation replays and completes.
        await using (await RestateHost.StartAsync(port, o => o.Bind(Version("A"))))
        {
            var output = Encoding.UTF8.GetString(await StepLog.AttachAsync(ingress, sent.InvocationId, TimeSpan.FromSeconds(60)));
            Assert.That(output, Is.EqualTo("\"reserved-o-1|approved|charged-o-1\""));
        }

        sw.Stop();
        var events = Events.ToArray();
        Assert.That(events.Count(e => e == "A reserve"), Is.EqualTo(1), string.Join(", ", events));
        Assert.That(events.Count(e => e == "A publish"), Is.EqualTo(1), string.Join(", ", events));
        Assert.That(events.Count(e => e == "A charge"), Is.EqualTo(1), string.Join(", ", events));
        FaultSettings.Record("Journal mismatch after a code change (A → B → A)", "1 invocation, 2 journaled steps + awakeable",
            "service swapped for a version with a different step order",
            "570 (RT0016) at command index 1 recorded by Restate, retried while B ran; journal unchanged; B's steps never ran; completed after A restored, every step once", sw.Elapsed);
    }

    private static async Task<JsonObject?> InvocationAsync(RestateServer server, string id)
    {
        var rows = await server.QueryAsync($"select status, retry_count, last_failure, last_failure_error_code, last_failure_related_command_index from sys_invocation where id = '{id}'");
        return rows.Count == 0 ? null : rows[0] as JsonObject;
    }

    private static async Task<List<(string Index, string Type, string Name)>> JournalAsync(RestateServer server, string id)
    {
        var rows = await server.QueryAsync($"select index, entry_type, name from sys_journal where id = '{id}' order by index");
        return rows.OfType<JsonObject>().Select(r => (r["index"]?.ToString() ?? "", r["entry_type"]?.ToString() ?? "", r["name"]?.ToString() ?? "")).ToList();
    }
}
