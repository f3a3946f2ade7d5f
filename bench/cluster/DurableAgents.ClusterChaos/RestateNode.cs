using System.Globalization;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// One restate-server node of a cluster on loopback: its own base directory and ports; all five roles; node 0
/// auto-provisions the cluster. Killed with SIGKILL and restarted on the same base directory and ports.
/// </summary>
public sealed class RestateNode : IAsyncDisposable
{
    private readonly ChildProcess _process;

    /// <summary>Describes node <paramref name="index"/>; <paramref name="peers"/> are the node-to-node ports of every node.</summary>
    public RestateNode(int index, string binary, string workDirectory, IReadOnlyList<int> peers, int ingressPort, int adminPort, int replication, int partitions)
    {
        Index = index;
        NodePort = peers[index];
        IngressPort = ingressPort;
        AdminPort = adminPort;
        var baseDir = Path.Combine(workDirectory, $"node{index}");
        Directory.CreateDirectory(baseDir);
        var addresses = "[" + string.Join(',', peers.Select(p => $"\"http://127.0.0.1:{p}/\"")) + "]";
        var env = new Dictionary<string, string>
        {
            ["RESTATE_NODE_NAME"] = $"n{index}",
            ["RESTATE_CLUSTER_NAME"] = "chaos",
            ["RESTATE_BIND_ADDRESS"] = $"127.0.0.1:{NodePort}",
            ["RESTATE_ADVERTISED_ADDRESS"] = $"http://127.0.0.1:{NodePort}/",
            ["RESTATE_ADMIN__BIND_ADDRESS"] = $"127.0.0.1:{AdminPort}",
            ["RESTATE_INGRESS__BIND_ADDRESS"] = $"127.0.0.1:{IngressPort}",
            ["RESTATE_METADATA_CLIENT__ADDRESSES"] = addresses,
            ["RESTATE_AUTO_PROVISION"] = index == 0 ? "true" : "false",
            ["RESTATE_DEFAULT_REPLICATION"] = replication.ToString(CultureInfo.InvariantCulture),
            ["RESTATE_DEFAULT_NUM_PARTITIONS"] = partitions.ToString(CultureInfo.InvariantCulture),
            // A killed service attempt is retried after 100 ms (up to 1 s), not Restate's default 500 ms to 1 min.
            ["RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL"] = "100ms",
            ["RESTATE_DEFAULT_RETRY_POLICY__MAX_INTERVAL"] = "1s",
            ["RESTATE_DEFAULT_RETRY_POLICY__MAX_ATTEMPTS"] = "100000",
            ["RESTATE_ADMIN__DISABLE_WEB_UI"] = "true",
            ["RESTATE_DISABLE_TELEMETRY"] = "true",
            ["RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE"] = "256MiB",
            ["RESTATE_ADMIN__QUERY_ENGINE__MEMORY_SIZE"] = "128MiB",
            ["RESTATE_LOG_DISABLE_ANSI_CODES"] = "true",
            ["RESTATE_LOG_FILTER"] = "warn,restate=warn",
        };
        _process = new ChildProcess($"node {index}", binary, ["--base-dir", baseDir, "--no-logo", "--listen-mode", "tcp"], env, Path.Combine(workDirectory, $"node{index}.log"));
    }

    /// <summary>The node's index (0-based).</summary>
    public int Index { get; }

    /// <summary>Node-to-node port.</summary>
    public int NodePort { get; }

    /// <summary>Ingress port.</summary>
    public int IngressPort { get; }

    /// <summary>Admin API port.</summary>
    public int AdminPort { get; }

    /// <summary>The ingress URL.</summary>
    public Uri IngressUri => new($"http://127.0.0.1:{IngressPort}/");

    /// <summary>The admin URL.</summary>
    public Uri AdminUri => new($"http://127.0.0.1:{AdminPort}/");

    /// <summary>False from just before a kill until the node answers again (clients skip it).</summary>
    public volatile bool Up;

    /// <summary>Whether the process runs.</summary>
    public bool IsRunning => _process.IsRunning;

    /// <summary>Starts the process (no wait).</summary>
    public void Start() => _process.Start();

    /// <summary>Waits until the admin API and the ingress answer their health endpoints, then marks the node up.</summary>
    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout)
    {
        await Readiness.WaitForHttpAsync(http, new Uri(AdminUri, "health"), timeout, () => _process.IsRunning, () => _process.Tail());
        await Readiness.WaitForHttpAsync(http, new Uri(IngressUri, "restate/health"), timeout, () => _process.IsRunning, () => _process.Tail());
        Up = true;
    }

    /// <summary>Marks the node down and SIGKILLs it.</summary>
    public Task KillAsync()
    {
        Up = false;
        return _process.KillAsync();
    }

    /// <summary>The tail of the node's log.</summary>
    public string Tail() => _process.Tail();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Up = false;
        return _process.DisposeAsync();
    }
}
