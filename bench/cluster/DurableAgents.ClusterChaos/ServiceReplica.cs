using System.Globalization;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// One replica of the chaos service: this executable in <c>serve</c> mode on a fixed loopback port, with its effect log
/// in the effects directory (one file per start). Killed with SIGKILL and restarted on the same port.
/// </summary>
public sealed class ServiceReplica : IAsyncDisposable
{
    private readonly string _effects;
    private readonly Dictionary<string, string> _environment;
    private readonly string _workDirectory;
    private ChildProcess? _process;
    private int _starts;

    /// <summary>Describes replica <paramref name="index"/>.</summary>
    public ServiceReplica(int index, int port, string workDirectory, string effectsDirectory, Uri modelBase, int toolMs)
    {
        Index = index;
        Port = port;
        _workDirectory = workDirectory;
        _effects = effectsDirectory;
        _environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DA_CHAOS_REPLICA"] = $"r{index}",
            ["DA_CHAOS_TOOL_MS"] = toolMs.ToString(CultureInfo.InvariantCulture),
            ["DURABLEAGENTS_MODEL_PROVIDER"] = "openai-compatible",
            ["OPENAI_BASE_URL"] = modelBase.ToString(),
            ["OPENAI_API_KEY"] = "chaos",
            ["DURABLEAGENTS_MODEL"] = "chaos-model",
            ["DOTNET_gcServer"] = "0",
        };
    }

    /// <summary>The replica's index.</summary>
    public int Index { get; }

    /// <summary>Its port.</summary>
    public int Port { get; }

    /// <summary>Its URL.</summary>
    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Whether the process runs.</summary>
    public bool IsRunning => _process?.IsRunning == true;

    /// <summary>Starts the replica and waits until it listens.</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        var start = ++_starts;
        var env = new Dictionary<string, string>(_environment)
        {
            ["DA_CHAOS_EFFECTS"] = Path.Combine(_effects, $"r{Index}-{start}.log"),
        };
        var dll = typeof(ServiceReplica).Assembly.Location;
        _process = new ChildProcess($"replica {Index}", "dotnet", [dll, "serve"], env, Path.Combine(_workDirectory, $"replica{Index}.log"));
        _process.Start();
        var p = _process;
        await Readiness.WaitForPortAsync(Port, TimeSpan.FromSeconds(60), () => p.IsRunning, () => p.Tail());
    }

    /// <summary>SIGKILL.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process?.DisposeAsync() ?? ValueTask.CompletedTask;
}
