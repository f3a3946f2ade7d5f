using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using DurableAgents.Clients;
using DurableAgents.Testing;

namespace DurableAgents.Tests;

/// <summary>
/// The service runs as a child process and is killed with SIGKILL while step k is in flight, then restarted: the
/// invocation completes, and every step before k ran exactly once (side effects counted in a file).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrashTests
{
    [Test]
    public async Task Sigkill_while_a_step_is_in_flight_then_restart_completes_without_repeating_finished_steps()
    {
        const int steps = 6;
        const int crashAt = 4;
        await using var server = await RestateServer.StartAsync();
        var port = RestateServer.FreePorts(1)[0];
        var log = Path.Combine(Path.GetTempPath(), $"crash-{Guid.NewGuid():N}.log");
        try
        {
            using var first = StartService(port, log, crashAt);
            await WaitForListeningAsync(port);
            await server.RegisterAsync(new Uri($"http://127.0.0.1:{port}/"));

            using var http = new HttpClient { BaseAddress = server.IngressUri };
            var ingress = new IngressClient(http);
            var sent = await ingress.SendRawAsync(CallTarget.ForService("Crash", "steps"), Encoding.UTF8.GetBytes($"{{\"count\":{steps}}}"));

            await WaitForAsync(() => File.Exists(log) && File.ReadAllText(log).Contains($"block {crashAt}\n"), TimeSpan.FromSeconds(30), "step k to start");
            first.Kill(entireProcessTree: true); // SIGKILL
            await first.WaitForExitAsync();

            using var second = StartService(port, log, blockAt: -1);
            try
            {
                var output = await ingress.AttachAsync<int>(sent.InvocationId);
                Assert.That(output, Is.EqualTo(Enumerable.Range(1, steps).Sum()));
            }
            finally
            {
                second.Kill(entireProcessTree: true);
            }

            var lines = File.ReadAllLines(log);
            for (var i = 1; i < crashAt; i++)
            {
                Assert.That(lines.Count(l => l == $"run {i}"), Is.EqualTo(1), $"step {i} completed before the crash and must not run again");
            }

            for (var i = crashAt; i <= steps; i++)
            {
                Assert.That(lines.Count(l => l == $"run {i}"), Is.EqualTo(1), $"step {i} ran to completion once, after the restart");
            }

            Assert.That(lines.Count(l => l == $"block {crashAt}"), Is.EqualTo(1), "step k was in flight when the process died");
        }
        finally
        {
            File.Delete(log);
        }
    }

    internal static Process StartService(int port, string log, int blockAt)
    {
        var dll = CrashServicePath();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(log);
        psi.ArgumentList.Add(blockAt.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

    internal static string CrashServicePath()
    {
        // bin/<Configuration>/net10.0 of the test project → the same folders of the support project.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var testsDir = testBin.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(testsDir, "Support", "DurableAgents.CrashService", "bin", configuration, framework, "DurableAgents.CrashService.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/Support/DurableAgents.CrashService first (it is in Generator.sln).", path);
    }

    internal static async Task WaitForListeningAsync(int port)
    {
        using var handler = new SocketsHttpHandler();
        using var client = new HttpClient(handler) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        await WaitForAsync(async () =>
        {
            try
            {
                using var r = await client.GetAsync($"http://127.0.0.1:{port}/health");
                return r.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the service to listen");
    }

    internal static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what) => WaitForAsync(() => Task.FromResult(condition()), timeout, what);

    internal static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout} waiting for {what}");
            }

            await Task.Delay(50);
        }
    }
}
