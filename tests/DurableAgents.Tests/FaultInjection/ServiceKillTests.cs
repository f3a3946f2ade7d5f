using System.Diagnostics;
using System.Globalization;
using System.Text;
using DurableAgents.Clients;
using DurableAgents.Testing;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// kill -9 of the service at random moments while many invocations of a multi-step handler (with a durable sleep in
/// the middle) are in flight; the service is restarted on the same port each time. Every invocation must complete
/// with the right output, and no step may run again once its result was journaled.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ServiceKillTests
{
    [Test]
    public async Task Sigkill_of_the_service_at_random_points_loses_nothing_and_never_repeats_a_completed_step()
    {
        var invocations = FaultSettings.Int("SERVICE_KILL_INVOCATIONS", 10);
        var kills = FaultSettings.Int("SERVICE_KILLS", 3);
        var steps = FaultSettings.Int("SERVICE_KILL_STEPS", 6);
        var seed = FaultSettings.Seed(7101);
        var random = new Random(seed);
        var sw = Stopwatch.StartNew();

        await using var server = await RestateServer.StartAsync();
        var port = RestateServer.FreePorts(1)[0];
        var dir = Path.Combine(Path.GetTempPath(), $"svc-kill-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var service = StartService(port, dir);
        try
        {
            await CrashTests.WaitForListeningAsync(port);
            await server.RegisterAsync(new Uri($"http://127.0.0.1:{port}/"));
            using var http = new HttpClient { BaseAddress = server.IngressUri, Timeout = TimeSpan.FromMinutes(3) };
            var ingress = new IngressClient(http);

            // Invocations go out in batches between the kills, so kills land at every stage of their lives.
            var ids = new List<(int N, string Id)>();
            var killLog = new List<string>();
            var n = 0;
            for (var k = 0; k <= kills; k++)
            {
                var batch = (invocations - n) / (kills + 1 - k);
                for (var b = 0; b < batch; b++, n++)
                {
                    var body = $"{{\"n\":{n},\"steps\":{steps},\"sleepAfter\":{steps / 2},\"sleepMs\":{100 + random.Next(300)}}}";
                    var sent = await ingress.SendRawAsync(CallTarget.ForService("Crash", "multi"), Encoding.UTF8.GetBytes(body));
                    ids.Add((n, sent.InvocationId));
                }

                if (k == kills)
                {
                    break;
                }

                var delay = 150 + random.Next(1000);
                await Task.Delay(delay);
                var inFlight = ids.Count(i => !IsDone(dir, i.N, steps));
                service.Kill(entireProcessTree: true); // SIGKILL
                await service.WaitForExitAsync();
                service.Dispose();
                killLog.Add(string.Create(CultureInfo.InvariantCulture, $"kill {k + 1} after {delay} ms, {inFlight} in flight"));
                service = StartService(port, dir);
                await CrashTests.WaitForListeningAsync(port);
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

                var lines = File.ReadAllLines(Path.Combine(dir, $"inv-{num}.log"));
                problems.AddRange(StepLog.Check(lines, steps, out var r).Select(p => $"invocation {num}: {p}"));
                reruns += r;
            }

            TestContext.Progress.WriteLine(string.Join("; ", killLog));
            FaultSettings.Record("kill -9 of the service, restart on the same port",
                $"{invocations} invocations × {steps} steps + durable sleep, seed {seed}", $"{kills} SIGKILLs at random delays ({string.Join("; ", killLog)})",
                problems.Count == 0 ? $"all {invocations} completed with the right output; 0 completed steps re-run" : $"{problems.Count} problems",
                sw.Elapsed, $"{reruns} in-flight step bodies re-executed after a kill (allowed: not yet journaled)");
            Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)));
            Assert.That(outputs, Has.Length.EqualTo(invocations));
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }

            service.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool IsDone(string dir, int n, int steps)
    {
        var file = Path.Combine(dir, $"inv-{n}.log");
        return File.Exists(file) && File.ReadAllText(file).Contains($"acked {steps}\n", StringComparison.Ordinal);
    }

    private static Process StartService(int port, string stepLogs)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(CrashTests.CrashServicePath());
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(Path.Combine(stepLogs, "unused.log"));
        psi.ArgumentList.Add("-1");
        psi.ArgumentList.Add(stepLogs);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                TestContext.Progress.WriteLine("[crash-service] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
