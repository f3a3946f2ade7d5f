using System.Diagnostics;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// A child process that can be killed with SIGKILL and started again with the same command line; its stdout and stderr
/// go to a log file (appended across restarts).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ChildProcess, byte> Live = new();
    private readonly ProcessStartInfo _info;
    private readonly string _logPath;
    private readonly object _gate = new();
    private Process? _process;
    private StreamWriter? _log;

    /// <summary>Creates the process description; nothing runs until <see cref="Start"/>.</summary>
    public ChildProcess(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        Name = name;
        _logPath = logPath;
        _info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            _info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            _info.Environment[k] = v;
        }
    }

    /// <summary>A display name (<c>node 1</c>, <c>replica 0</c>).</summary>
    public string Name { get; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>How many times it was started.</summary>
    public int Starts { get; private set; }

    /// <summary>Starts the process (it must not be running).</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        _process?.Dispose();
        lock (_gate)
        {
            _log ??= new StreamWriter(_logPath, append: true) { AutoFlush = true };
            _log.WriteLine($"---- start {++Starts} at {DateTime.UtcNow:O}");
        }

        var p = Process.Start(_info) ?? throw new InvalidOperationException($"could not start {Name} ({_info.FileName})");
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        Live[this] = 0;
    }

    /// <summary>SIGKILLs every child process still running (on SIGINT/SIGTERM of the driver, so none is left behind).</summary>
    public static void KillAll()
    {
        foreach (var child in Live.Keys)
        {
            try
            {
                if (child._process is { HasExited: false } p)
                {
                    p.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }
    }

    /// <summary>SIGKILL (the whole process tree) and wait for the exit: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await p.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>The last lines of the log (for error messages).</summary>
    public string Tail(int lines = 20)
    {
        lock (_gate)
        {
            _log?.Flush();
        }

        try
        {
            using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log?.WriteLine(line);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // already gone, or stuck: nothing more to do here
        }

        _process?.Dispose();
        Live.TryRemove(this, out _);
        lock (_gate)
        {
            _log?.Dispose();
            _log = null;
        }
    }
}
