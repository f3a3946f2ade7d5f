using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Testing;

namespace DurableAgents.ClusterChaos;

/// <summary>Sets up the cluster, the replicas, the load balancer and the model; runs the workload under faults; reports.</summary>
public sealed class ChaosRunner
{
    private readonly ChaosSettings _s;

    /// <summary>Creates a runner for <paramref name="settings"/>.</summary>
    public ChaosRunner(ChaosSettings settings) => _s = settings;

    /// <summary>Runs everything and returns the exit code: 0 when every must-be-zero count is zero.</summary>
    public async Task<int> RunAsync()
    {
        var work = _s.Work ?? Path.Combine(Path.GetTempPath(), "da-chaos-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var effects = Path.Combine(work, "effects");
        Directory.CreateDirectory(effects);
        Console.WriteLine($"work directory: {work}");
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = 2048,
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        var useLb = _s.Replicas > 1;
        var ports = RestateServer.FreePorts(_s.Nodes * 3 + _s.Replicas + 1);
        var nodes = new List<RestateNode>();
        var replicas = new List<ServiceReplica>();
        HaProxy? lb = null;
        await using var model = await CountingModel.StartAsync(_s.ToolTurns, _s.ModelMs);
        try
        {
            var binary = RestateServer.FindBinary();
            var peers = ports.Take(_s.Nodes).ToList();
            for (var i = 0; i < _s.Nodes; i++)
            {
                nodes.Add(new RestateNode(i, binary, work, peers, ports[_s.Nodes + i], ports[2 * _s.Nodes + i], _s.Replication, _s.Partitions));
            }

            foreach (var n in nodes)
            {
                n.Start();
            }

            foreach (var n in nodes)
            {
                await n.WaitHealthyAsync(http, TimeSpan.FromSeconds(120));
            }

            Console.WriteLine($"restate: {_s.Nodes} node(s) healthy (replication {_s.Replication}, {_s.Partitions} partitions); ingress {string.Join(", ", nodes.Select(n => n.IngressPort))}");
            for (var i = 0; i < _s.Replicas; i++)
            {
                replicas.Add(new ServiceReplica(i, ports[3 * _s.Nodes + i], work, effects, model.BaseUri, _s.ToolMs));
            }

            await Task.WhenAll(replicas.Select(r => r.StartAsync()));
            Uri deployment;
            if (useLb)
            {
                lb = new HaProxy(_s.HaProxy, ports[^1], replicas, work, _s.LbRetries);
                await lb.StartAsync();
                deployment = lb.Uri;
                Console.WriteLine($"service: {_s.Replicas} replicas behind HAProxy (h2c) at {deployment}");
            }
            else
            {
                deployment = replicas[0].Uri;
                Console.WriteLine($"service: 1 replica at {deployment}");
            }

            await RegisterAsync(http, nodes[0], deployment);
            var started = DateTime.UtcNow;
            var (runs, faults) = _s.Mode == "cluster"
                ? await ClusterAsync(http, nodes, replicas)
                : await RandomKillAsync(http, nodes, replicas);
            var wall = DateTime.UtcNow - started;

            // Let attempts still running at the end (none expected) write their last lines, then read the logs.
            await Task.Delay(500);
            var report = Analysis.Analyze(_s, runs, model.Requests, EffectEvent.ReadAll(effects), faults, wall);
            Print(report, nodes, replicas);
            return report.Clean ? 0 : 1;
        }
        finally
        {
            if (lb is not null)
            {
                await lb.DisposeAsync();
            }

            foreach (var r in replicas)
            {
                await r.DisposeAsync();
            }

            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }

            if (!_s.Keep)
            {
                TryDelete(work);
            }
        }
    }

    private async Task<(List<RunRecord>, IReadOnlyList<FaultEvent>)> ClusterAsync(HttpClient http, List<RestateNode> nodes, List<ServiceReplica> replicas)
    {
        var deadline = DateTime.UtcNow.AddSeconds(_s.TimeoutSeconds);
        var workload = new Workload(http, nodes, _s);
        var pending = 0;
        var loop = new FaultLoop(_s, http, () => Volatile.Read(ref pending));
        using var stop = new CancellationTokenSource();
        var tasks = new List<Task<RunRecord>>();
        for (var i = 0; i < Math.Max(_s.Workflows, _s.Agents); i++)
        {
            if (i < _s.Workflows)
            {
                tasks.Add(Track(workload.RunWorkflowAsync(i, deadline)));
            }

            if (i < _s.Agents)
            {
                tasks.Add(Track(workload.RunAgentAsync(i, deadline)));
            }
        }

        async Task<RunRecord> Track(Task<RunRecord> run)
        {
            Interlocked.Increment(ref pending);
            try
            {
                return await run;
            }
            finally
            {
                Interlocked.Decrement(ref pending);
            }
        }

        Console.WriteLine($"submitted {_s.Workflows} workflows and {_s.Agents} agent runs; faults: up to {_s.NodeKills} node kills, {_s.ReplicaKills} replica kills");
        var chaos = Task.WhenAll(
            nodes.Count > 1 ? loop.RunNodesAsync(nodes, stop.Token) : Task.CompletedTask,
            loop.RunReplicasAsync(replicas, stop.Token));
        var progress = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(5000, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Console.WriteLine($"  [{DateTime.UtcNow:HH:mm:ss}] {tasks.Count(t => t.IsCompleted)}/{tasks.Count} runs finished");
            }
        });
        var runs = await Task.WhenAll(tasks);
        await stop.CancelAsync();
        await chaos;
        await progress;
        return ([.. runs], loop.Events);
    }

    private async Task<(List<RunRecord>, IReadOnlyList<FaultEvent>)> RandomKillAsync(HttpClient http, List<RestateNode> nodes, List<ServiceReplica> replicas)
    {
        var workload = new Workload(http, nodes, _s);
        var pending = 0;
        var loop = new FaultLoop(_s, http, () => Volatile.Read(ref pending));
        var runs = new List<RunRecord>();
        for (var round = 0; round < _s.Rounds; round++)
        {
            // The workflow starts at 0 and the kill lands at a random point of it; the agent run starts so that the
            // kill lands at a random point of the agent run too (up to --agent-span-ms into it).
            var deadline = DateTime.UtcNow.AddSeconds(_s.TimeoutSeconds);
            var killAfter = loop.Next(_s.KillMs);
            var agentAt = Math.Max(0, killAfter - loop.Next((0, _s.AgentSpanMs)));
            var round0 = DateTime.UtcNow;
            Volatile.Write(ref pending, 2);
            var wf = workload.RunWorkflowAsync(round, deadline);
            await Task.Delay(agentAt);
            var agent = workload.RunAgentAsync(round, deadline);
            var left = killAfter - (int)(DateTime.UtcNow - round0).TotalMilliseconds;
            if (left > 0)
            {
                await Task.Delay(left);
            }

            Volatile.Write(ref pending, (wf.IsCompleted ? 0 : 1) + (agent.IsCompleted ? 0 : 1));
            var fault = await loop.KillReplicaAsync(replicas[0], loop.Next(_s.ReplicaDownMs));
            var done = await Task.WhenAll(wf, agent);
            runs.AddRange(done);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round + 1}/{_s.Rounds}: kill after {killAfter} ms ({fault.InFlight} in flight); workflow {(done[0].Ok ? "ok" : "LOST")} {done[0].LatencyMs:0} ms, agent {(done[1].Ok ? "ok" : "LOST")} {done[1].LatencyMs:0} ms"));
            if (fault.Error is not null)
            {
                break;
            }
        }

        return (runs, loop.Events);
    }

    private static async Task RegisterAsync(HttpClient http, RestateNode node, Uri deployment)
    {
        var body = new JsonObject { ["uri"] = deployment.ToString(), ["force"] = true }.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(node.AdminUri, "deployments"), content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                Console.WriteLine($"registered {deployment} with the cluster");
                return;
            }

            if (attempt >= 20 || response.StatusCode is HttpStatusCode.BadRequest)
            {
                throw new InvalidOperationException($"registering {deployment} failed: {(int)response.StatusCode} {text}");
            }

            await Task.Delay(500);
        }
    }

    private void Print(ChaosReport report, List<RestateNode> nodes, List<ServiceReplica> replicas)
    {
        var machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        report.Json["machine"] = machine;
        report.Json["commandLine"] = _s.CommandLine;
        report.Json["settings"] = new JsonObject
        {
            ["nodes"] = nodes.Count,
            ["replicas"] = replicas.Count,
            ["replication"] = _s.Replication,
            ["partitions"] = _s.Partitions,
            ["workflows"] = _s.Mode == "cluster" ? _s.Workflows : _s.Rounds,
            ["agents"] = _s.Mode == "cluster" ? _s.Agents : _s.Rounds,
            ["steps"] = _s.Steps,
            ["stepMs"] = _s.StepMs,
            ["modelMs"] = _s.ModelMs,
            ["toolMs"] = _s.ToolMs,
            ["toolTurns"] = _s.ToolTurns,
            ["sabotage"] = _s.Sabotage,
        };
        Console.WriteLine();
        Console.WriteLine($"== {_s.Mode}: {nodes.Count} node(s), {replicas.Count} replica(s), {machine} ==");
        Console.Write(report.ToText());
        Console.WriteLine(report.Clean ? "RESULT: clean (0 lost runs, 0 duplicated completed steps or tool calls, 0 repeated completed turns)" : "RESULT: NOT CLEAN (see the bold rows)");
        if (_s.JsonPath is { } json)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            File.WriteAllText(json, report.Json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }

        if (_s.MarkdownPath is { } md)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(md))!);
            File.WriteAllText(md, report.ToMarkdown());
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a process still holding a file: leave it to the OS temp cleanup
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
