using System.Globalization;

namespace DurableAgents.ClusterChaos;

/// <summary>One line of an effect log (see <see cref="EffectLog"/>).</summary>
/// <param name="Ticks">UTC ticks.</param>
/// <param name="Replica">The replica that wrote it.</param>
/// <param name="Kind"><c>step</c> or <c>tool</c>.</param>
/// <param name="Run">The run id.</param>
/// <param name="N">The step or turn.</param>
/// <param name="Phase"><c>start</c>, <c>end</c> or <c>acked</c>.</param>
public sealed record EffectEvent(long Ticks, string Replica, string Kind, string Run, int N, string Phase)
{
    /// <summary>Reads every <c>*.log</c> in <paramref name="directory"/>; a torn last line (a kill mid-write) is skipped.</summary>
    public static List<EffectEvent> ReadAll(string directory)
    {
        var events = new List<EffectEvent>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.log"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var p = line.Split(' ');
                if (p.Length == 6
                    && long.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && int.TryParse(p[4], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    events.Add(new EffectEvent(ticks, p[1], p[2], p[3], n, p[5]));
                }
            }
        }

        events.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
        return events;
    }
}
