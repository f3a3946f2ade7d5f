using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// Scale knobs and result reporting for the fault-injection suite. CI runs the defaults; <c>bench/faults/run.sh</c>
/// sets <c>DA_FAULTS_*</c> environment variables for the full-size runs and <c>DA_FAULTS_RESULTS</c> to collect one
/// JSON line per scenario, which it turns into the table in <c>docs/reliability.md</c>.
/// </summary>
internal static class FaultSettings
{
    private static readonly object Gate = new();

    /// <summary>An integer knob: env <c>DA_FAULTS_{name}</c>, else the CI default.</summary>
    public static int Int(string name, int ciDefault)
        => int.TryParse(Environment.GetEnvironmentVariable("DA_FAULTS_" + name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : ciDefault;

    /// <summary>The seed of a scenario: env <c>DA_FAULTS_SEED</c> (same for all scenarios of a run), else the given one.</summary>
    public static int Seed(int ciDefault) => Int("SEED", ciDefault);

    /// <summary>Records one scenario's result: printed to the test log and, when requested, appended to the results file.</summary>
    public static void Record(string scenario, string size, string faults, string outcome, TimeSpan elapsed, string? notes = null)
    {
        var line = new JsonObject
        {
            ["scenario"] = scenario,
            ["size"] = size,
            ["faults"] = faults,
            ["outcome"] = outcome,
            ["seconds"] = Math.Round(elapsed.TotalSeconds, 1),
            ["notes"] = notes ?? "",
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        TestContext.Progress.WriteLine("[faults] " + line);
        var file = Environment.GetEnvironmentVariable("DA_FAULTS_RESULTS");
        if (!string.IsNullOrEmpty(file))
        {
            lock (Gate)
            {
                File.AppendAllText(file, line + "\n");
            }
        }
    }
}
