using System.Collections.Generic;
using System.Collections.Immutable;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// Compares the current manifests with the lock: per handler, the first position where the journal differs
/// (incompatible: DA4001), tools (DA4002), handlers gone (DA4002), and compatible changes (DA4003): entries
/// appended at the end, a new handler or tool, a new optional tool argument, a version gate whose old arm keeps the
/// locked entries, a renamed result type with the same contract.
/// </summary>
internal static class JournalComparer
{
    public static List<JournalFinding> Compare(ImmutableArray<HandlerManifest> current, ImmutableArray<HandlerManifest> locked)
    {
        var findings = new List<JournalFinding>();
        var lockedByKey = new Dictionary<string, HandlerManifest>(System.StringComparer.Ordinal);
        foreach (var l in locked)
        {
            lockedByKey[l.Key] = l;
        }

        var currentKeys = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var c in current)
        {
            currentKeys.Add(c.Key);
            if (!lockedByKey.TryGetValue(c.Key, out var l))
            {
                findings.Add(new JournalFinding(FindingKind.Compatible, c.Key, 0, null, c.Header, "new handler", c.Declaration, -1));
                continue;
            }

            CompareSteps(c, l, findings);
            CompareTools(c, l, findings);
        }

        foreach (var l in locked)
        {
            if (!currentKeys.Contains(l.Key))
            {
                findings.Add(new JournalFinding(FindingKind.HandlerRemoved, l.Key, 0, l.Header, null, "handler removed", null, l.LineNumber));
            }
        }

        return findings;
    }

    private static void CompareSteps(HandlerManifest current, HandlerManifest locked, List<JournalFinding> findings)
    {
        var c = Steps(current);
        var l = Steps(locked);
        int i = 0, j = 0, step = 1;
        while (true)
        {
            if (j == l.Count)
            {
                if (i < c.Count)
                {
                    findings.Add(new JournalFinding(FindingKind.Compatible, current.Key, step, null, c[i].Text, "appended after the last locked entry", c[i].Node ?? current.Declaration, -1));
                }

                return;
            }

            if (i == c.Count)
            {
                findings.Add(new JournalFinding(FindingKind.IncompatibleStep, current.Key, step, l[j].Text, null, "removed", current.Declaration, l[j].LineNumber));
                return;
            }

            if (c[i].SameAs(l[j]))
            {
                step += c[i].IsStructure ? 0 : 1;
                i++;
                j++;
                continue;
            }

            if (c[i].Depth == l[j].Depth && EntryText.Normalize(c[i].Text) == EntryText.Normalize(l[j].Text))
            {
                findings.Add(new JournalFinding(FindingKind.Compatible, current.Key, step, l[j].Text, c[i].Text, "type renamed, same JSON contract", c[i].Node, l[j].LineNumber));
                step += c[i].IsStructure ? 0 : 1;
                i++;
                j++;
                continue;
            }

            if (EntryText.Kind(c[i].Text) == "patch")
            {
                var end = BlockEnd(c, i);
                var old = OldArm(c, i, end);
                if (Matches(old, l, j))
                {
                    findings.Add(new JournalFinding(FindingKind.Compatible, current.Key, step, j < l.Count ? l[j].Text : null, c[i].Text, "version gate keeps the locked entries", c[i].Node, -1));
                    foreach (var line in old)
                    {
                        step += line.IsStructure ? 0 : 1;
                    }

                    j += old.Count;
                    i = end + 1;
                    continue;
                }
            }

            findings.Add(new JournalFinding(FindingKind.IncompatibleStep, current.Key, step, l[j].Text, c[i].Text, Classify(c, i, l, j), c[i].Node ?? current.Declaration, l[j].LineNumber));
            return;
        }
    }

    private static string Classify(List<JournalLine> c, int i, List<JournalLine> l, int j)
    {
        if (IndexOf(c, l[j], i + 1) >= 0)
        {
            return IndexOf(l, c[i], j + 1) >= 0 ? "reordered" : "inserted before it";
        }

        if (IndexOf(l, c[i], j + 1) >= 0)
        {
            return "removed";
        }

        var a = l[j];
        var b = c[i];
        if (a.IsStructure || b.IsStructure || a.Depth != b.Depth)
        {
            return "block structure changed";
        }

        if (EntryText.Kind(a.Text) != EntryText.Kind(b.Text))
        {
            return "kind changed";
        }

        return EntryText.Name(a.Text) != EntryText.Name(b.Text) ? "renamed" : "result contract changed";
    }

    private static int IndexOf(List<JournalLine> lines, JournalLine line, int from)
    {
        for (var k = from; k < lines.Count; k++)
        {
            if (lines[k].SameAs(line))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The index of the <c>end</c> closing the block opened at <paramref name="start"/>.</summary>
    private static int BlockEnd(List<JournalLine> lines, int start)
    {
        var depth = lines[start].Depth;
        for (var k = start + 1; k < lines.Count; k++)
        {
            if (lines[k].Depth == depth && lines[k].Text == "end")
            {
                return k;
            }
        }

        return lines.Count - 1;
    }

    /// <summary>The lines of a patch block's else arm, one level up (as they would stand without the gate).</summary>
    private static List<JournalLine> OldArm(List<JournalLine> lines, int start, int end)
    {
        var depth = lines[start].Depth;
        var old = new List<JournalLine>();
        var inElse = false;
        for (var k = start + 1; k < end; k++)
        {
            if (lines[k].Depth == depth && lines[k].Text == "else")
            {
                inElse = true;
                continue;
            }

            if (inElse)
            {
                old.Add(new JournalLine(lines[k].Depth - 1, lines[k].Text, lines[k].Node));
            }
        }

        return old;
    }

    private static bool Matches(List<JournalLine> arm, List<JournalLine> locked, int from)
    {
        if (from + arm.Count > locked.Count)
        {
            return false;
        }

        for (var k = 0; k < arm.Count; k++)
        {
            if (!arm[k].SameAs(locked[from + k]))
            {
                return false;
            }
        }

        return true;
    }

    private static List<JournalLine> Steps(HandlerManifest manifest)
    {
        var steps = new List<JournalLine>(manifest.Lines.Length);
        foreach (var line in manifest.Lines)
        {
            if (!line.IsTool)
            {
                steps.Add(line);
            }
        }

        return steps;
    }

    private static void CompareTools(HandlerManifest current, HandlerManifest locked, List<JournalFinding> findings)
    {
        var now = Tools(current);
        var before = Tools(locked);
        foreach (var pair in before)
        {
            if (!now.TryGetValue(pair.Key, out var line))
            {
                findings.Add(new JournalFinding(FindingKind.IncompatibleTool, current.Key, 0, pair.Value.Text, null, "tool removed", current.Declaration, pair.Value.LineNumber));
                continue;
            }

            if (line.Text == pair.Value.Text)
            {
                continue;
            }

            var reason = ToolSignature.Incompatibility(ToolSignature.Parse(pair.Value.Text), ToolSignature.Parse(line.Text));
            findings.Add(reason is null
                ? new JournalFinding(FindingKind.Compatible, current.Key, 0, pair.Value.Text, line.Text, "compatible tool schema change", current.Declaration, pair.Value.LineNumber)
                : new JournalFinding(FindingKind.IncompatibleTool, current.Key, 0, pair.Value.Text, line.Text, reason, current.Declaration, pair.Value.LineNumber));
        }

        foreach (var pair in now)
        {
            if (!before.ContainsKey(pair.Key))
            {
                findings.Add(new JournalFinding(FindingKind.Compatible, current.Key, 0, null, pair.Value.Text, "new tool", current.Declaration, -1));
            }
        }
    }

    private static SortedDictionary<string, JournalLine> Tools(HandlerManifest manifest)
    {
        var tools = new SortedDictionary<string, JournalLine>(System.StringComparer.Ordinal);
        foreach (var line in manifest.Lines)
        {
            if (line.IsTool)
            {
                tools[ToolSignature.Parse(line.Text).Name] = line;
            }
        }

        return tools;
    }
}
