using System.Globalization;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// The side-effect log of one service process: one line per step or tool execution event,
/// <c>{utc-ticks} {replica} {kind} {run} {n} {phase}</c>, appended (and so on disk before the next event) to the file named
/// by <c>DA_CHAOS_EFFECTS</c>. The driver merges every replica's files by time to find re-executed steps.
/// </summary>
public static class EffectLog
{
    private static readonly object Gate = new();
    private static readonly string? Path = Environment.GetEnvironmentVariable("DA_CHAOS_EFFECTS");
    private static readonly string Replica = Environment.GetEnvironmentVariable("DA_CHAOS_REPLICA") ?? "r?";

    /// <summary>Appends one event (no-op when <c>DA_CHAOS_EFFECTS</c> is not set).</summary>
    /// <param name="kind"><c>step</c> (workflow step) or <c>tool</c> (agent tool).</param>
    /// <param name="run">The run id (workflow key or agent run marker).</param>
    /// <param name="n">The step or turn number.</param>
    /// <param name="phase"><c>start</c>, <c>end</c> or <c>acked</c>.</param>
    public static void Write(string kind, string run, int n, string phase)
    {
        if (Path is null)
        {
            return;
        }

        lock (Gate)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow.Ticks} {Replica} {kind} {run} {n} {phase}\n");
            File.AppendAllText(Path, line);
        }
    }

    /// <summary>An integer from the environment, or <paramref name="fallback"/>.</summary>
    public static int Setting(string variable, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
