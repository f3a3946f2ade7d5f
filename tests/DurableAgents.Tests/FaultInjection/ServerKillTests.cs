using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using DurableAgents.Clients;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// kill -9 of restate-server while many invocations are in flight (in steps and in durable sleeps between them), then
/// a restart on the same base directory and ports: every accepted invocation completes with the right output and no
/// journaled step runs again.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ServerKillTests
{
    private static readonly ConcurrentDictionary<int, ConcurrentQueue<string>> Logs = new();

    private static ServiceDefinition Durable(int steps) => new()
    {
        Name = "Durable",
        Type = ServiceType.Service,
        JsonTypeInfoResolver = TestJsonContext.Default,
        Handlers =
        [
            Handler<int, long>("steps", async (ctx, n) =>
            {
                var log = Logs.GetOrAdd(n, _ => new ConcurrentQueue<string>());
                var total = 0L;
                for (var i = 1; i <= steps; i++)
                {
                    var step = i;
                    total += await ctx.RunAsync($"step{step}", async ct =>
                    {
                        log.Enqueue($"run {step}");
                        await Task.Delay(10 + (n * 13 + step * 29) % 60, ct);
                        return n * 100L + step;
                    });
                    log.Enqueue($"acked {step}");
                    if (step < steps)
                    {
                        await ctx.SleepAsync(TimeSpan.FromMilliseconds(150 + (n * 7 % 200)));
                    }
                }

                return total;
            }),
        ],
        Options = new ServiceOptions
        {
            RetryPolicyInitialInterval = TimeSpan.FromMilliseconds(100),
            RetryPolicyMaxInterval = TimeSpan.FromSeconds(1),
            RetryPolicyMaxAttempts = 10_000,
            RetryPolicyOnMaxAttempts = OnMaxAttempts.Pause,
        },
    };

    [Test]
    public async Task Sigkill_of_restate_server_and_restart_on_the_same_base_dir_loses_no_invocation()
    {
        var invocations = FaultSettings.Int("SERVER_KILL_INVOCATIONS", 20);
        var kills = FaultSettings.Int("SERVER_KILLS", 2);
        var steps = FaultSettings.Int("SERVER_KILL_STEPS", 4);
        var seed = FaultSettings.Seed(7201);
        var random = new Random(seed);
        Logs.Clear();
        var sw = Stopwatch.StartNew();

        var baseDir = Path.Combine(Path.GetTempPath(), $"restate-kill-{Guid.NewGuid():N}");
        var server = await RestateServer.StartAsync(new RestateServerOptions { BaseDirectory = baseDir });
        await using var host = await RestateHost.StartAsync(0, o => o.Bind(Durable(steps)));
        await server.RegisterAsync(host.Uri);
        using var http = new HttpClient { BaseAddress = server.IngressUri, Timeout = TimeSpan.FromMinutes(3) };
        var ingress = new IngressClient(http);
        try
        {
            var ids = new List<(int N, string Id)>();
            var killLog = new List<string>();
            var n = 0;
            for (var k = 0; k <= kills; k++)
            {
                var batch = (invocations - n) / (kills + 1 - k);
                for (var b = 0; b < batch; b++, n++)
                {
                    var sent = await ingress.SendRawAsync(CallTarget.ForService("Durable", "steps"), Encoding.UTF8.GetBytes(n.ToString(CultureInfo.InvariantCulture)));
                    ids.Add((n, sent.InvocationId));
                }

                if (k == kills)
                {
                    break;
                }

                var delay = 200 + random.Next(800);
                await Task.Delay(delay);
                var inFlight = ids.Count(i => !(Logs.TryGetValue(i.N, out var q) && q.Contains($"acked {steps}")));
                await server.KillAsync(); // SIGKILL
                var down = random.Next(500);
                await Task.Delay(down);
                await server.RestartAsync();
                killLog.Add(string.Create(CultureInfo.InvariantCulture, $"kill {k + 1} after {delay} ms, {inFlight} in flight, down {down} ms"));
            }

            var outputs = await Task.WhenAll(ids.Select(async i => (i.N, Output: Encoding.UTF8.GetString(await StepLog.AttachAsync(ingress, i.Id, TimeSpan.FromMinutes(2))))));
            sw.Stop();

            var problems = new List<string>();
            var reruns = 0;
            foreach (var (num, output) in outputs)
            {
                var expected = Enumerable.Range(1, steps).Sum(i => num * 100L + i).ToString(CultureInfo.InvariantCulture);
                if (output != expected)
                {
                    problems.Add($"invocation {num}: output {output}, expected {expected}");
                }

                problems.AddRange(StepLog.Check(Logs.GetValueOrDefault(num)?.ToArray() ?? [], steps, out var r).Select(p => $"invocation {num}: {p}"));
                reruns += r;
            }

            FaultSettings.Record("kill -9 of restate-server, restart on the same base dir",
                $"{invocations} invocations × {steps} steps with durable sleeps between, seed {seed}", $"{kills} SIGKILLs ({string.Join("; ", killLog)})",
                problems.Count == 0 ? $"all {invocations} completed with the right output; 0 completed steps re-run" : $"{problems.Count} problems",
                sw.Elapsed, $"{reruns} in-flight step bodies re-executed (allowed: result not yet journaled)");
            Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)) + "\n" + server.Output[^Math.Min(server.Output.Length, 3000)..]);
            Assert.That(outputs, Has.Length.EqualTo(invocations));
        }
        finally
        {
            await server.DisposeAsync();
            try
            {
                Directory.Delete(baseDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
