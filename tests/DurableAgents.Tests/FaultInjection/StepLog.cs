using System.Diagnostics;
using DurableAgents.Clients;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// Checks one invocation's step log: lines <c>run i</c> (step i's body started) and <c>acked i</c> (the handler got
/// step i's journaled result, written on every replay too). A step is complete from its first <c>acked</c> line on.
/// </summary>
internal static class StepLog
{
    /// <summary>
    /// Problems in the log (empty = fine): a completed step that ran again, a step that never ran or never completed, a
    /// step that started before the previous one completed. <paramref name="reruns"/> counts re-executions of steps that
    /// were in flight (started, not yet journaled) when a fault hit: allowed, at-least-once for an unfinished step.
    /// </summary>
    public static List<string> Check(IReadOnlyList<string> lines, int steps, out int reruns)
    {
        var problems = new List<string>();
        reruns = 0;
        var firstAck = new int?[steps + 1];
        var runs = new int[steps + 1];
        for (var n = 0; n < lines.Count; n++)
        {
            var parts = lines[n].Split(' ');
            if (parts.Length != 2 || !int.TryParse(parts[1], out var i) || i < 1 || i > steps)
            {
                problems.Add($"line {n}: unexpected '{lines[n]}'");
                continue;
            }

            switch (parts[0])
            {
                case "run":
                    runs[i]++;
                    if (firstAck[i] is { } acked)
                    {
                        problems.Add($"step {i} ran again (line {n}) after it completed (line {acked})");
                    }
                    else if (runs[i] > 1)
                    {
                        reruns++;
                    }

                    if (i > 1 && firstAck[i - 1] is null)
                    {
                        problems.Add($"step {i} started (line {n}) before step {i - 1} completed");
                    }

                    break;
                case "acked":
                    firstAck[i] ??= n;
                    break;
                default:
                    problems.Add($"line {n}: unexpected '{lines[n]}'");
                    break;
            }
        }

        for (var i = 1; i <= steps; i++)
        {
            if (runs[i] == 0) problems.Add($"step {i} never ran");
            if (firstAck[i] is null) problems.Add($"step {i} never completed");
        }

        return problems;
    }

    /// <summary>Attaches to an invocation, retrying while the server is (re)starting or the service is down.</summary>
    public static async Task<byte[]> AttachAsync(IngressClient ingress, string invocationId, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Max(1, (timeout - sw.Elapsed).TotalMilliseconds)));
                return await ingress.AttachRawAsync(invocationId, cts.Token);
            }
            catch (Exception e) when (sw.Elapsed < timeout && IsTransient(e))
            {
                await Task.Delay(200);
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        RestateIngressException r => r.Source != "invocation" && r.StatusCode is >= 500 or 404 or 408 or 429,
        HttpRequestException => true,
        TaskCanceledException => true,
        _ => false,
    };
}
