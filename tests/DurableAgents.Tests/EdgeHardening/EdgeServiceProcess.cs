using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using DurableAgents.Testing;

namespace DurableAgents.Tests.EdgeHardening;

/// <summary>
/// tests/Support/DurableAgents.EdgeService in a child process (Kestrel with the SDK's default limits, the README's
/// hosting set-up), with its resident memory and thread count read from /proc/&lt;pid&gt;/status.
/// </summary>
public sealed class EdgeServiceProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public int Port { get; } = RestateServer.FreePorts(1)[0];

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Lines of output containing <paramref name="text"/>.</summary>
    public int CountLines(string text) => Output.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServicePath());
        info.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The edge service exited: " + Output);
            }

            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("The edge service did not listen: " + Output);
    }

    /// <summary>Resident set size in MiB and thread count, from /proc/&lt;pid&gt;/status.</summary>
    public (double RssMiB, int Threads) Sample()
    {
        double rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{_process!.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return (rss, threads);
    }

    public bool HasExited => _process?.HasExited ?? true;

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string ServicePath()
    {
        // bin/<Configuration>/net10.0 of the test project → the same folders of the support project.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var testsDir = testBin.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(testsDir, "Support", "DurableAgents.EdgeService", "bin", configuration, framework, "DurableAgents.EdgeService.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/Support/DurableAgents.EdgeService first (it is in Generator.sln).", path);
    }
}
