using System.Diagnostics;

namespace DurableAgents.E2eBench;

/// <summary>A benchmark service (ours or the TypeScript one) as a child process on a free loopback port.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    public static async Task<ServiceProcess> StartAsync(string sdk, string repo, Uri modelUri, IReadOnlyDictionary<string, string> environment, string? serviceDirectory = null)
    {
        var port = DurableAgents.Testing.RestateServer.FreePorts(1)[0];
        ProcessStartInfo psi;
        if (sdk.StartsWith("ts", StringComparison.Ordinal))
        {
            var dir = Path.Combine(repo, "bench", "e2e", "ts");
            psi = new ProcessStartInfo("node") { WorkingDirectory = dir };
            psi.ArgumentList.Add(Path.Combine(dir, "service.mjs"));
        }
        else
        {
            var exe = Path.Combine(serviceDirectory ?? Path.Combine(repo, "bench", "e2e", "DurableAgents.BenchService", "bin", "Release", "net10.0"), "DurableAgents.BenchService");
            if (!File.Exists(exe))
            {
                throw new FileNotFoundException($"{exe} is missing: build it with `dotnet build bench/e2e/DurableAgents.BenchService -c Release`.");
            }

            psi = new ProcessStartInfo(exe);
        }

        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(modelUri.ToString());
        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start the {sdk} service");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("listening", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                Console.Error.WriteLine($"  [{sdk} service] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, port);
        if (await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(60))) != listening.Task)
        {
            await service.DisposeAsync();
            throw new TimeoutException($"the {sdk} service did not start listening within 60 s");
        }

        return service;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
