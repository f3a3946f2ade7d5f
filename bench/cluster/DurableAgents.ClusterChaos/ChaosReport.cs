using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace DurableAgents.ClusterChaos;

/// <summary>The measured figures of one run: the counts that must be zero, the allowed re-executions, latency, faults.</summary>
public sealed class ChaosReport
{
    private readonly List<(string Metric, string Value)> _rows = [];

    /// <summary>All the figures as JSON.</summary>
    public JsonObject Json { get; } = new();

    /// <summary>Runs that did not complete with the right output.</summary>
    public int Lost { get; set; }

    /// <summary>Completed workflow steps whose body ran again.</summary>
    public int DuplicatedCompletedSteps { get; set; }

    /// <summary>Completed tool calls whose body ran again.</summary>
    public int DuplicatedCompletedTools { get; set; }

    /// <summary>Model requests for a turn whose response was already journaled.</summary>
    public int RepeatedCompletedTurns { get; set; }

    /// <summary>Whether every must-be-zero count is zero.</summary>
    public bool Clean => Lost == 0 && DuplicatedCompletedSteps == 0 && DuplicatedCompletedTools == 0 && RepeatedCompletedTurns == 0;

    /// <summary>Adds a row to the table and a value to the JSON.</summary>
    public void Add(string key, string metric, JsonNode? value, string? shown = null)
    {
        _rows.Add((metric, shown ?? (value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString()) ?? "-"));
        Json[key] = value;
    }

    /// <summary>The table as Markdown.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Metric | Value |");
        sb.AppendLine("|---|---:|");
        foreach (var (metric, value) in _rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {metric} | {value} |");
        }

        return sb.ToString();
    }

    /// <summary>The table as aligned text.</summary>
    public string ToText()
    {
        var width = _rows.Count == 0 ? 0 : _rows.Max(r => r.Metric.Length);
        var sb = new StringBuilder();
        foreach (var (metric, value) in _rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {metric.PadRight(width)}  {value}");
        }

        return sb.ToString();
    }
}
