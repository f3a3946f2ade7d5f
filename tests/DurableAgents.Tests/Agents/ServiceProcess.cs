using System.Diagnostics;
using System.Net.Sockets;
using DurableAgents.Testing;

namespace DurableAgents.Tests.Agents;

/// <summary>The test agents (tests/DurableAgents.TestService) in a child process, so a test can kill -9 it and start it again.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private Process? _process;
    private readonly System.Text.StringBuilder _output = new();

    public ServiceProcess(IReadOnlyDictionary<string, string> environment)
    {
        _environment = new Dictionary<string, string>(environment);
        Port = RestateServer.FreePorts(1)[0];
    }

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "DurableAgents.TestService.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Relative paths of the agents (the [McpServer] stdio script) resolve against the test output directory.
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (k, v) in _environment)
        {
            info.Environment[k] = v;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The test service exited: " + Output);
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

        throw new TimeoutException("The test service did not listen: " + Output);
    }

    /// <summary>SIGKILL: no shutdown, no flush, like a crashed machine.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
