using System.Globalization;

namespace DurableAgents.ClusterChaos;

/// <summary>The command line: the mode and every size, delay and limit (see <see cref="Usage"/>).</summary>
public sealed class ChaosSettings
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: DurableAgents.ClusterChaos cluster|random-kill [options]
          cluster      a Restate cluster (--nodes, replicated metadata and log), --replicas service replicas behind HAProxy,
                       --agents agent runs and --workflows workflows in flight while one loop kills -9 a random node (one at
                       a time) and another a random replica, and restarts them
          random-kill  one node, one replica, no load balancer: --rounds rounds of one workflow and one agent run, the
                       service killed -9 at a random point of them and restarted
        options (defaults: cluster / random-kill):
          --nodes N (3/1)  --replicas N (2/1)  --partitions N (6/2)  --replication N (2/1)
          --agents N (10/-)  --workflows N (10/-)  --rounds N (-/5)  --steps N (10)  --step-ms MS (100)
          --model-ms MS (150)  --tool-ms MS (100)  --tool-turns N (2)
          --node-kills N (3)  --replica-kills N (3)  max faults of each kind (cluster)
          --node-gap-ms A,B (3000,6000)  --replica-gap-ms A,B (2000,4000)  pause between faults of a kind
          --node-down-ms A,B (500,2500)  --replica-down-ms A,B (200,1500)  how long a killed process stays down
          --kill-ms A,B (50,1500)  random-kill: when the kill lands after the workflow started
          --agent-span-ms MS (900)  random-kill: the agent run starts 0-MS before the kill
          --timeout-s S (600)  overall deadline for the runs   --seed N (20261207)
          --sabotage  self-check: workflow steps run outside the journal, so the report must count duplicates
          --lb-retries N (0)  HAProxy `retries` (with redispatch when > 0)
          --haproxy PATH (haproxy)  --work DIR (a fresh temp dir)  --keep (keep it)  --json PATH  --markdown PATH
        """;

    /// <summary><c>cluster</c> or <c>random-kill</c>.</summary>
    public string Mode { get; private set; } = "";

    /// <summary>Restate nodes.</summary>
    public int Nodes { get; private set; }

    /// <summary>Service replicas.</summary>
    public int Replicas { get; private set; }

    /// <summary>Partitions at provisioning.</summary>
    public int Partitions { get; private set; }

    /// <summary>Log and partition replication.</summary>
    public int Replication { get; private set; }

    /// <summary>Agent runs (cluster).</summary>
    public int Agents { get; private set; } = 10;

    /// <summary>Workflows (cluster).</summary>
    public int Workflows { get; private set; } = 10;

    /// <summary>Rounds (random-kill).</summary>
    public int Rounds { get; private set; } = 5;

    /// <summary>Steps per workflow.</summary>
    public int Steps { get; private set; } = 10;

    /// <summary>Base step duration.</summary>
    public int StepMs { get; private set; } = 100;

    /// <summary>Fake model latency.</summary>
    public int ModelMs { get; private set; } = 150;

    /// <summary>Tool duration.</summary>
    public int ToolMs { get; private set; } = 100;

    /// <summary>Turns that call the tool before the answer.</summary>
    public int ToolTurns { get; private set; } = 2;

    /// <summary>Max node kills.</summary>
    public int NodeKills { get; private set; } = 3;

    /// <summary>Max replica kills.</summary>
    public int ReplicaKills { get; private set; } = 3;

    /// <summary>Pause between node kills.</summary>
    public (int Min, int Max) NodeGapMs { get; private set; } = (3000, 6000);

    /// <summary>Pause between replica kills.</summary>
    public (int Min, int Max) ReplicaGapMs { get; private set; } = (2000, 4000);

    /// <summary>How long a killed node stays down.</summary>
    public (int Min, int Max) NodeDownMs { get; private set; } = (500, 2500);

    /// <summary>How long a killed replica stays down.</summary>
    public (int Min, int Max) ReplicaDownMs { get; private set; } = (200, 1500);

    /// <summary>random-kill: kill delay after the round started.</summary>
    public (int Min, int Max) KillMs { get; private set; } = (50, 1500);

    /// <summary>random-kill: the agent run starts up to this long before the kill.</summary>
    public int AgentSpanMs { get; private set; } = 900;

    /// <summary>Deadline for the runs.</summary>
    public int TimeoutSeconds { get; private set; } = 600;

    /// <summary>The seed of every fault choice.</summary>
    public int Seed { get; private set; } = 20261207;

    /// <summary>Self-check: the workflows run their steps outside the journal.</summary>
    public bool Sabotage { get; private set; }

    /// <summary>HAProxy's <c>retries</c>.</summary>
    public int LbRetries { get; private set; }

    /// <summary>The HAProxy binary.</summary>
    public string HaProxy { get; private set; } = "haproxy";

    /// <summary>The work directory (base dirs, logs, effect logs).</summary>
    public string? Work { get; private set; }

    /// <summary>Keep the work directory.</summary>
    public bool Keep { get; private set; }

    /// <summary>Where to write the JSON report.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>Where to write the Markdown table.</summary>
    public string? MarkdownPath { get; private set; }

    /// <summary>The command line as given (for the report).</summary>
    public string CommandLine { get; private set; } = "";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the usage on misuse.</summary>
    public static ChaosSettings Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("cluster" or "random-kill"))
        {
            throw new ArgumentException(Usage);
        }

        var cluster = args[0] == "cluster";
        var s = new ChaosSettings
        {
            Mode = args[0],
            Nodes = cluster ? 3 : 1,
            Replicas = cluster ? 2 : 1,
            Partitions = cluster ? 6 : 2,
            Replication = cluster ? 2 : 1,
            CommandLine = string.Join(' ', args),
        };
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.\n{Usage}");
            int Int(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                    ? v
                    : throw new ArgumentException($"{name} must be an integer in [{min}, {max}], not '{text}'.");
            }

            (int, int) Range()
            {
                var text = Value();
                var parts = text.Split(',');
                return parts.Length == 2
                    && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var a)
                    && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var b)
                    && a >= 0 && b >= a && b <= 600_000
                    ? (a, b)
                    : throw new ArgumentException($"{name} must be MIN,MAX in milliseconds (0 ≤ MIN ≤ MAX ≤ 600000), not '{text}'.");
            }

            switch (name)
            {
                case "--nodes": s.Nodes = Int(1, 5); break;
                case "--replicas": s.Replicas = Int(1, 4); break;
                case "--partitions": s.Partitions = Int(1, 64); break;
                case "--replication": s.Replication = Int(1, 5); break;
                case "--agents": s.Agents = Int(0, 10_000); break;
                case "--workflows": s.Workflows = Int(0, 10_000); break;
                case "--rounds": s.Rounds = Int(1, 10_000); break;
                case "--steps": s.Steps = Int(1, 1000); break;
                case "--step-ms": s.StepMs = Int(0, 60_000); break;
                case "--model-ms": s.ModelMs = Int(0, 60_000); break;
                case "--tool-ms": s.ToolMs = Int(0, 60_000); break;
                case "--tool-turns": s.ToolTurns = Int(0, 6); break;
                case "--node-kills": s.NodeKills = Int(0, 10_000); break;
                case "--replica-kills": s.ReplicaKills = Int(0, 10_000); break;
                case "--node-gap-ms": s.NodeGapMs = Range(); break;
                case "--replica-gap-ms": s.ReplicaGapMs = Range(); break;
                case "--node-down-ms": s.NodeDownMs = Range(); break;
                case "--replica-down-ms": s.ReplicaDownMs = Range(); break;
                case "--kill-ms": s.KillMs = Range(); break;
                case "--agent-span-ms": s.AgentSpanMs = Int(0, 600_000); break;
                case "--timeout-s": s.TimeoutSeconds = Int(10, 86_400); break;
                case "--seed": s.Seed = Int(int.MinValue, int.MaxValue); break;
                case "--haproxy": s.HaProxy = Value(); break;
                case "--work": s.Work = Value(); break;
                case "--keep": s.Keep = true; break;
                case "--sabotage": s.Sabotage = true; break;
                case "--lb-retries": s.LbRetries = Int(0, 10); break;
                case "--json": s.JsonPath = Value(); break;
                case "--markdown": s.MarkdownPath = Value(); break;
                default: throw new ArgumentException($"unknown option {name}\n{Usage}");
            }
        }

        if (s.Replication > s.Nodes)
        {
            throw new ArgumentException($"--replication {s.Replication} needs at least as many nodes (--nodes {s.Nodes}).");
        }

        return s;
    }
}
