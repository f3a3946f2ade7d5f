using System.Globalization;
using System.Text;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// HAProxy in front of the service replicas: h2c on the front (Restate calls it with HTTP/2 prior knowledge) and h2c
/// to every replica (<c>proto h2</c>), round robin, health-checked every 300 ms. A request whose client (a Restate
/// node) went away is dropped (<c>abortonclose</c>); <c>retries</c> (0 by default) re-sends a request after a failed
/// connection, to another replica with <c>redispatch</c>.
/// </summary>
public sealed class HaProxy : IAsyncDisposable
{
    private readonly ChildProcess _process;

    /// <summary>Writes the configuration for <paramref name="replicas"/>; nothing runs until <see cref="StartAsync"/>.</summary>
    public HaProxy(string binary, int port, IEnumerable<ServiceReplica> replicas, string workDirectory, int retries)
    {
        Port = port;
        var config = new StringBuilder();
        config.Append(CultureInfo.InvariantCulture, $"""
            global
              maxconn 4096
            defaults
              mode http
              timeout connect 2s
              timeout client 10m
              timeout server 10m
              retries {retries}
              {(retries > 0 ? "option redispatch" : "no option redispatch")}
              option abortonclose
            frontend restate_in
              bind 127.0.0.1:{port} proto h2
              default_backend replicas
            backend replicas
              balance roundrobin

            """);
        foreach (var r in replicas)
        {
            config.Append(CultureInfo.InvariantCulture, $"  server r{r.Index} 127.0.0.1:{r.Port} proto h2 check inter 300ms fall 1 rise 1\n");
        }

        var path = Path.Combine(workDirectory, "haproxy.cfg");
        File.WriteAllText(path, config.ToString());
        _process = new ChildProcess("haproxy", binary, ["-f", path, "-db"], new Dictionary<string, string>(), Path.Combine(workDirectory, "haproxy.log"));
    }

    /// <summary>The port Restate registers.</summary>
    public int Port { get; }

    /// <summary>The URL Restate registers as the deployment.</summary>
    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts HAProxy and waits until it listens.</summary>
    public async Task StartAsync()
    {
        _process.Start();
        await Readiness.WaitForPortAsync(Port, TimeSpan.FromSeconds(20), () => _process.IsRunning, () => _process.Tail());
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
