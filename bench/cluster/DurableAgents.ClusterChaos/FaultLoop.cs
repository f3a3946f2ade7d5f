namespace DurableAgents.ClusterChaos;

/// <summary>
/// The chaos loops: one kills -9 a random Restate node (never two at once: the next kill waits until the previous node
/// is healthy again) and restarts it on the same base directory and ports; the other does the same to a random service
/// replica. Both stop at their fault budget or when the workload is done.
/// </summary>
public sealed class FaultLoop
{
    private readonly ChaosSettings _settings;
    private readonly HttpClient _http;
    private readonly Func<int> _inFlight;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly List<FaultEvent> _events = [];

    /// <summary>Creates the loops; <paramref name="inFlight"/> counts the runs in flight (recorded per fault).</summary>
    public FaultLoop(ChaosSettings settings, HttpClient http, Func<int> inFlight)
    {
        _settings = settings;
        _http = http;
        _inFlight = inFlight;
        _random = new Random(settings.Seed);
    }

    /// <summary>Every fault so far.</summary>
    public IReadOnlyList<FaultEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Kills and restarts nodes until <paramref name="stop"/> or the budget.</summary>
    public async Task RunNodesAsync(IReadOnlyList<RestateNode> nodes, CancellationToken stop)
    {
        for (var k = 0; k < _settings.NodeKills && !stop.IsCancellationRequested; k++)
        {
            if (!await PauseAsync(_settings.NodeGapMs, stop))
            {
                return;
            }

            var node = nodes[Next(nodes.Count)];
            var fault = Record("node", node.Index);
            await node.KillAsync();
            Console.WriteLine($"  [{Clock()}] killed node {node.Index} ({fault.InFlight} runs in flight)");
            await Task.Delay(Next(_settings.NodeDownMs), CancellationToken.None);
            fault.RestartedTicks = DateTime.UtcNow.Ticks;
            node.Start();
            try
            {
                await node.WaitHealthyAsync(_http, TimeSpan.FromSeconds(120));
                fault.ReadyTicks = DateTime.UtcNow.Ticks;
                Console.WriteLine($"  [{Clock()}] node {node.Index} healthy again after {Ms(fault.ReadyTicks - fault.RestartedTicks)} ms");
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                fault.Error = e.Message;
                Console.WriteLine($"  [{Clock()}] node {node.Index} did not come back: {e.Message}");
                return;
            }
        }
    }

    /// <summary>Kills and restarts replicas until <paramref name="stop"/> or the budget.</summary>
    public async Task RunReplicasAsync(IReadOnlyList<ServiceReplica> replicas, CancellationToken stop)
    {
        for (var k = 0; k < _settings.ReplicaKills && !stop.IsCancellationRequested; k++)
        {
            if (!await PauseAsync(_settings.ReplicaGapMs, stop))
            {
                return;
            }

            var replica = replicas[Next(replicas.Count)];
            await KillReplicaAsync(replica, Next(_settings.ReplicaDownMs));
        }
    }

    /// <summary>SIGKILLs <paramref name="replica"/>, waits <paramref name="downMs"/>, restarts it and records the fault.</summary>
    public async Task<FaultEvent> KillReplicaAsync(ServiceReplica replica, int downMs)
    {
        var fault = Record("replica", replica.Index);
        await replica.KillAsync();
        Console.WriteLine($"  [{Clock()}] killed replica {replica.Index} ({fault.InFlight} runs in flight)");
        await Task.Delay(downMs, CancellationToken.None);
        fault.RestartedTicks = DateTime.UtcNow.Ticks;
        try
        {
            await replica.StartAsync();
            fault.ReadyTicks = DateTime.UtcNow.Ticks;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            fault.Error = e.Message;
            Console.WriteLine($"  [{Clock()}] replica {replica.Index} did not come back: {e.Message}");
        }

        return fault;
    }

    /// <summary>A random integer in [min, max] from the seeded generator.</summary>
    public int Next((int Min, int Max) range)
    {
        lock (_gate)
        {
            return _random.Next(range.Min, range.Max + 1);
        }
    }

    private int Next(int count)
    {
        lock (_gate)
        {
            return _random.Next(count);
        }
    }

    private FaultEvent Record(string kind, int target)
    {
        var fault = new FaultEvent { Kind = kind, Target = target, KilledTicks = DateTime.UtcNow.Ticks, InFlight = _inFlight() };
        lock (_gate)
        {
            _events.Add(fault);
        }

        return fault;
    }

    private async Task<bool> PauseAsync((int Min, int Max) range, CancellationToken stop)
    {
        try
        {
            await Task.Delay(Next(range), stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static long Ms(long ticks) => ticks / TimeSpan.TicksPerMillisecond;

    private static string Clock() => DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
}
