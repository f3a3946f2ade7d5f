using System.Globalization;
using System.Text.Json.Nodes;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// Turns the runs, the effect logs, the model's request log and the faults into a <see cref="ChaosReport"/>.
/// <list type="bullet">
/// <item>A workflow step is <em>completed</em> from its first <c>acked</c> line (the handler got its journaled result);
/// a <c>start</c> of that step after it is a completed step executed again (must be 0). Other extra starts are steps
/// cut short by a kill before their result was journaled (allowed: at-least-once for an unfinished step).</item>
/// <item>A model turn t of an agent run is <em>completed</em> (its response journaled) from the first of: the first
/// request of turn t+1, the first start of turn t's tool, the run's result (last turn). A request for turn t after
/// that is an LLM call repeated for a completed turn (must be 0); earlier repeats re-ask a turn in flight at a kill.</item>
/// <item>A tool call of turn t is completed from the first request of turn t+1 (which carries its journaled result);
/// a start after that must not happen.</item>
/// <item>Recovery of a fault: the time from the kill until every run in flight at the kill made progress again (a
/// step acked, a model request or tool end, or its result).</item>
/// </list>
/// </summary>
public static class Analysis
{
    /// <summary>
    /// The same "until every run in flight progressed" gap measured at instants with no fault in the 5 s before (every
    /// 500 ms of the run): what the recovery figures compare against, since under load a run progresses every few seconds
    /// even without a fault.
    /// </summary>
    private static void Baseline(ChaosReport report, IReadOnlyList<RunRecord> runs, Dictionary<string, List<long>> progress, IReadOnlyList<FaultEvent> faults)
    {
        if (runs.Count == 0)
        {
            return;
        }

        var quiet = TimeSpan.FromSeconds(5).Ticks;
        var first = runs.Min(r => r.SubmittedTicks);
        var last = runs.Max(r => r.CompletedTicks == 0 ? r.SubmittedTicks : r.CompletedTicks);
        var gaps = new List<double>();
        for (var t = first + quiet; t < last; t += TimeSpan.FromMilliseconds(500).Ticks)
        {
            if (faults.Any(f => f.KilledTicks <= t && f.KilledTicks > t - quiet || f.KilledTicks <= t && (f.ReadyTicks == 0 || f.ReadyTicks > t)))
            {
                continue;
            }

            var worst = 0.0;
            var any = false;
            foreach (var r in runs.Where(r => r.SubmittedTicks < t && r.CompletedTicks > t))
            {
                var next = progress.TryGetValue(r.Id, out var list) ? list.FirstOrDefault(x => x > t) : 0;
                if (next > 0)
                {
                    any = true;
                    worst = Math.Max(worst, (next - t) / (double)TimeSpan.TicksPerMillisecond);
                }
            }

            if (any)
            {
                gaps.Add(worst);
            }
        }

        gaps.Sort();
        report.Add("baselineProgressGap", "Same gap at instants with no fault in the 5 s before: median / max (ms)", gaps.Count == 0 ? null : new JsonObject
        {
            ["samples"] = gaps.Count,
            ["median"] = Math.Round(gaps[gaps.Count / 2]),
            ["max"] = Math.Round(gaps[^1]),
        }, gaps.Count == 0 ? "- (no quiet instant)" : string.Create(CultureInfo.InvariantCulture, $"{gaps[gaps.Count / 2]:0} / {gaps[^1]:0} ({gaps.Count} samples)"));
    }

    /// <summary>Where each kill landed: workflow steps acked before it, and the agent's last event before it.</summary>
    private static void Landings(ChaosReport report, IReadOnlyList<RunRecord> runs, IReadOnlyList<ModelRequest> model, IReadOnlyList<EffectEvent> effects, IReadOnlyList<FaultEvent> faults)
    {
        var workflow = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var agent = new SortedDictionary<string, int>(StringComparer.Ordinal);
        static void Count(SortedDictionary<string, int> d, string key) => d[key] = d.TryGetValue(key, out var n) ? n + 1 : 1;
        foreach (var f in faults)
        {
            foreach (var r in runs.Where(r => r.SubmittedTicks < f.KilledTicks && (r.CompletedTicks == 0 || r.CompletedTicks > f.KilledTicks)))
            {
                if (r.Kind == "workflow")
                {
                    var acked = effects.Where(e => e.Run == r.Id && e.Kind == "step" && e.Phase == "acked" && e.Ticks < f.KilledTicks).Select(e => e.N).Distinct().Count();
                    var inBody = effects.Any(e => e.Run == r.Id && e.Kind == "step" && e.Phase == "start" && e.N == acked + 1 && e.Ticks < f.KilledTicks);
                    Count(workflow, acked.ToString("00", CultureInfo.InvariantCulture) + (inBody ? " (in step " + (acked + 1).ToString(CultureInfo.InvariantCulture) + ")" : " (before a step)"));
                }
                else
                {
                    var lastModel = model.Where(m => m.Run == r.Id && m.Ticks < f.KilledTicks).Select(m => (m.Ticks, What: $"model turn {m.Turn}")).ToList();
                    var lastTool = effects.Where(e => e.Run == r.Id && e.Kind == "tool" && e.Ticks < f.KilledTicks).Select(e => (e.Ticks, What: $"tool {e.N} {e.Phase}")).ToList();
                    var last = lastModel.Concat(lastTool).OrderBy(x => x.Ticks).Select(x => x.What).LastOrDefault() ?? "before turn 1";
                    Count(agent, last);
                }
            }
        }

        report.Add("killLandedWorkflow", "Kill landed in a workflow: steps acked before it (count)", new JsonObject([.. workflow.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
            string.Join(", ", workflow.Select(kv => $"{kv.Key}: {kv.Value}")));
        report.Add("killLandedAgent", "Kill landed in an agent run: its last event before the kill (count)", new JsonObject([.. agent.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
            string.Join(", ", agent.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    /// <summary>Computes the report.</summary>
    public static ChaosReport Analyze(ChaosSettings s, IReadOnlyList<RunRecord> runs, IReadOnlyList<ModelRequest> model,
        IReadOnlyList<EffectEvent> effects, IReadOnlyList<FaultEvent> faults, TimeSpan wall)
    {
        var report = new ChaosReport();
        var byId = runs.ToDictionary(r => r.Id);
        var workflows = runs.Where(r => r.Kind == "workflow").ToList();
        var agents = runs.Where(r => r.Kind == "agent").ToList();
        report.Lost = runs.Count(r => !r.Ok);

        report.Add("mode", "Mode", s.Mode);
        report.Add("seed", "Seed", s.Seed);
        report.Add("wallSeconds", "Wall time (s)", Math.Round(wall.TotalSeconds, 1));
        report.Add("workflowsCompleted", $"Workflows completed ({s.Steps} steps each)", $"{workflows.Count(r => r.Ok)}/{workflows.Count}");
        report.Add("agentRunsCompleted", $"Agent runs completed ({s.ToolTurns} tool turns + answer)", $"{agents.Count(r => r.Ok)}/{agents.Count}");
        report.Add("lostOrWrong", "**Runs lost or with a wrong result** (target 0)", report.Lost);
        report.Json["lostRuns"] = new JsonArray([.. runs.Where(r => !r.Ok).Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["detail"] = r.Detail })]);

        // Workflow steps.
        var stepGroups = effects.Where(e => e.Kind == "step").GroupBy(e => (e.Run, e.N)).ToList();
        int stepStarts = 0, stepDuplicates = 0, stepInFlight = 0, stepsWithoutAck = 0;
        var duplicateDetails = new JsonArray();
        foreach (var g in stepGroups)
        {
            var starts = g.Where(e => e.Phase == "start").ToList();
            stepStarts += starts.Count;
            var acked = g.FirstOrDefault(e => e.Phase == "acked");
            if (acked is null)
            {
                stepsWithoutAck++;
                stepInFlight += Math.Max(0, starts.Count - 1);
                continue;
            }

            var after = starts.Count(e => e.Ticks > acked.Ticks);
            stepDuplicates += after;
            stepInFlight += Math.Max(0, starts.Count - after - 1);
            if (after > 0)
            {
                duplicateDetails.Add(new JsonObject { ["run"] = g.Key.Run, ["step"] = g.Key.N, ["starts"] = starts.Count, ["after"] = after });
            }
        }

        var expectedSteps = workflows.Count(r => r.Ok) * s.Steps;
        var completedStepsSeen = stepGroups.Count(g => g.Any(e => e.Phase == "acked") && byId.TryGetValue(g.Key.Run, out var r) && r.Ok);
        report.DuplicatedCompletedSteps = stepDuplicates;
        report.Add("stepBodies", "Step bodies executed", stepStarts, $"{stepStarts} (for {completedStepsSeen} completed steps; {expectedSteps} expected)");
        report.Add("duplicatedCompletedSteps", "**Completed steps executed more than once** (target 0)", stepDuplicates);
        report.Add("inFlightStepReruns", "Steps re-run after a kill before their result was journaled (allowed)", stepInFlight);
        report.Json["duplicatedSteps"] = duplicateDetails;

        // Tools and model turns.
        var requests = model.Where(m => m.Run.Length > 0).GroupBy(m => (m.Run, m.Turn)).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Ticks).ToList());
        var toolStarts = effects.Where(e => e.Kind == "tool" && e.Phase == "start").GroupBy(e => (e.Run, e.N)).ToDictionary(g => g.Key, g => g.ToList());
        int toolDuplicates = 0, toolInFlight = 0;
        foreach (var ((run, turn), starts) in toolStarts)
        {
            var evidence = requests.TryGetValue((run, turn + 1), out var next) ? next[0].Ticks : long.MaxValue;
            var after = starts.Count(e => e.Ticks > evidence);
            toolDuplicates += after;
            toolInFlight += Math.Max(0, starts.Count - after - 1);
        }

        int turnRepeats = 0, turnInFlight = 0;
        var repeatDetails = new JsonArray();
        foreach (var ((run, turn), list) in requests)
        {
            var evidence = long.MaxValue;
            if (requests.TryGetValue((run, turn + 1), out var next))
            {
                evidence = Math.Min(evidence, next[0].Ticks);
            }

            if (toolStarts.TryGetValue((run, turn), out var tools))
            {
                evidence = Math.Min(evidence, tools.Min(t => t.Ticks));
            }

            if (turn == s.ToolTurns + 1 && byId.TryGetValue(run, out var record) && record.CompletedTicks > 0)
            {
                evidence = Math.Min(evidence, record.CompletedTicks);
            }

            var after = list.Count(m => m.Ticks > evidence);
            turnRepeats += after;
            turnInFlight += Math.Max(0, list.Count - after - 1);
            if (after > 0)
            {
                repeatDetails.Add(new JsonObject { ["run"] = run, ["turn"] = turn, ["requests"] = list.Count, ["after"] = after });
            }
        }

        report.DuplicatedCompletedTools = toolDuplicates;
        report.RepeatedCompletedTurns = turnRepeats;
        var toolTotal = toolStarts.Values.Sum(v => v.Count);
        report.Add("toolBodies", "Tool bodies executed", toolTotal, $"{toolTotal} (for {toolStarts.Count} tool calls)");
        report.Add("duplicatedCompletedTools", "**Completed tool calls executed more than once** (target 0)", toolDuplicates);
        report.Add("inFlightToolReruns", "Tool calls re-run after a kill before their result was journaled (allowed)", toolInFlight);
        report.Add("modelRequests", "LLM requests", model.Count, $"{model.Count} (for {requests.Count} turns)");
        report.Add("repeatedCompletedTurns", "**LLM calls repeated for completed turns** (target 0)", turnRepeats);
        report.Add("inFlightTurnRepeats", "LLM calls repeated for a turn in flight at a kill (allowed)", turnInFlight);
        report.Json["repeatedTurns"] = repeatDetails;

        // Latency.
        static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        void Latency(string key, string label, IEnumerable<RunRecord> set)
        {
            var sorted = set.Where(r => r.Ok).Select(r => r.LatencyMs).Order().ToList();
            var text = sorted.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Percentile(sorted, 0.5):0} / {Percentile(sorted, 0.99):0} / {sorted[^1]:0}");
            report.Add(key, label + " latency p50 / p99 / max (ms)", sorted.Count == 0 ? null : new JsonObject
            {
                ["count"] = sorted.Count,
                ["p50"] = Math.Round(Percentile(sorted, 0.5)),
                ["p99"] = Math.Round(Percentile(sorted, 0.99)),
                ["max"] = Math.Round(sorted[^1]),
            }, text);
        }

        bool Overlaps(RunRecord r) => faults.Any(f => r.SubmittedTicks < (f.ReadyTicks == 0 ? long.MaxValue : f.ReadyTicks) && (r.CompletedTicks == 0 || r.CompletedTicks > f.KilledTicks));
        Latency("workflowLatency", "Workflow", workflows);
        Latency("agentLatency", "Agent run", agents);
        Latency("faultedLatency", $"Runs in flight during a fault ({runs.Count(Overlaps)})", runs.Where(Overlaps));

        // Faults and recovery.
        var progress = new Dictionary<string, List<long>>();
        void Progress(string run, long ticks)
        {
            if (!progress.TryGetValue(run, out var list))
            {
                progress[run] = list = [];
            }

            list.Add(ticks);
        }

        foreach (var e in effects.Where(e => e.Phase is "acked" or "end"))
        {
            Progress(e.Run, e.Ticks);
        }

        foreach (var m in model)
        {
            Progress(m.Run, m.Ticks);
        }

        foreach (var r in runs.Where(r => r.CompletedTicks > 0))
        {
            Progress(r.Id, r.CompletedTicks);
        }

        foreach (var list in progress.Values)
        {
            list.Sort();
        }

        var faultRows = new JsonArray();
        foreach (var kind in new[] { "node", "replica" })
        {
            var ofKind = faults.Where(f => f.Kind == kind).ToList();
            if (kind == "node" && s.Mode != "cluster")
            {
                continue;
            }

            var recoveries = new List<double>();
            var stuck = 0;
            foreach (var f in ofKind)
            {
                var inFlight = runs.Where(r => r.SubmittedTicks < f.KilledTicks && (r.CompletedTicks == 0 || r.CompletedTicks > f.KilledTicks)).ToList();
                double worst = 0;
                foreach (var r in inFlight)
                {
                    var next = progress.TryGetValue(r.Id, out var list) ? list.FirstOrDefault(t => t > f.KilledTicks) : 0;
                    if (next == 0)
                    {
                        stuck++;
                        continue;
                    }

                    worst = Math.Max(worst, (next - f.KilledTicks) / (double)TimeSpan.TicksPerMillisecond);
                }

                if (inFlight.Count > 0)
                {
                    recoveries.Add(worst);
                }

                faultRows.Add(new JsonObject
                {
                    ["kind"] = f.Kind,
                    ["target"] = f.Target,
                    ["killedAt"] = new DateTime(f.KilledTicks, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
                    ["downMs"] = f.RestartedTicks == 0 ? null : Math.Round((f.RestartedTicks - f.KilledTicks) / (double)TimeSpan.TicksPerMillisecond),
                    ["restartToReadyMs"] = f.ReadyTicks == 0 ? null : Math.Round((f.ReadyTicks - f.RestartedTicks) / (double)TimeSpan.TicksPerMillisecond),
                    ["inFlight"] = inFlight.Count,
                    ["recoveryMs"] = inFlight.Count == 0 ? null : Math.Round(worst),
                    ["error"] = f.Error,
                });
            }

            recoveries.Sort();
            var ready = ofKind.Where(f => f.ReadyTicks > 0).Select(f => (f.ReadyTicks - f.RestartedTicks) / (double)TimeSpan.TicksPerMillisecond).Order().ToList();
            report.Add(kind + "Kills", $"kill -9 of a {(kind == "node" ? "Restate node" : "service replica")}", ofKind.Count,
                string.Create(CultureInfo.InvariantCulture, $"{ofKind.Count} (in flight at the kill: {(ofKind.Count == 0 ? "-" : $"{ofKind.Min(f => f.InFlight)}-{ofKind.Max(f => f.InFlight)}")})"));
            report.Add(kind + "Recovery", $"Recovery after a {kind} kill: median / max (ms), until every run in flight progressed", recoveries.Count == 0 ? null : new JsonObject
            {
                ["median"] = Math.Round(Percentile(recoveries, 0.5)),
                ["max"] = Math.Round(recoveries[^1]),
                ["runsThatNeverProgressed"] = stuck,
            }, recoveries.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Percentile(recoveries, 0.5):0} / {recoveries[^1]:0}{(stuck > 0 ? $" ({stuck} runs never progressed)" : "")}"));
            report.Add(kind + "RestartToReady", $"{(kind == "node" ? "Node" : "Replica")} restart to {(kind == "node" ? "healthy" : "listening")}: median / max (ms)", ready.Count == 0 ? null : new JsonObject
            {
                ["median"] = Math.Round(Percentile(ready, 0.5)),
                ["max"] = Math.Round(ready[^1]),
            }, ready.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{Percentile(ready, 0.5):0} / {ready[^1]:0}"));
        }

        report.Json["faults"] = faultRows;
        Baseline(report, runs, progress, faults);
        if (s.Mode == "random-kill")
        {
            Landings(report, runs, model, effects, faults);
        }

        return report;
    }
}
