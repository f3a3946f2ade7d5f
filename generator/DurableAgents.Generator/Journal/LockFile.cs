using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// The lock file <c>DurableAgents.journal.lock</c>: a comment header, then one block per handler, sorted ordinally by
/// key, each line indented two spaces per block level, <c>\n</c> line endings, no trailing spaces, no blank lines.
/// <see cref="Format"/> and <see cref="Parse"/> round-trip exactly.
/// </summary>
internal static class LockFile
{
    public const string Header =
        "# DurableAgents journal lock v1: the journal shapes of the shipped handlers.\n"
        + "# Rewrite with `dotnet build -p:DurableAgentsJournalLock=update` or the DA4001 code fix.\n";

    /// <summary>The whole lock text of <paramref name="manifests"/> (sorted here).</summary>
    public static string Format(IEnumerable<HandlerManifest> manifests)
    {
        var sorted = new List<HandlerManifest>(manifests);
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var sb = new StringBuilder(Header);
        foreach (var m in sorted)
        {
            foreach (var line in Lines(m))
            {
                sb.Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>The lines of one handler block: the header, then its entries indented.</summary>
    public static IEnumerable<string> Lines(HandlerManifest manifest)
    {
        yield return manifest.Header;
        foreach (var line in manifest.Lines)
        {
            yield return new string(' ', 2 * (line.Depth + 1)) + line.Text;
        }
    }

    /// <summary>Parses a lock text; on a malformed text the result has <see cref="LockParseResult.Error"/> and its 0-based line.</summary>
    public static LockParseResult Parse(string text)
    {
        var handlers = new List<HandlerManifest>();
        var keys = new HashSet<string>(System.StringComparer.Ordinal);
        var rawLines = text.Split('\n');
        var count = rawLines.Length;
        if (count > 0 && rawLines[count - 1].Length == 0)
        {
            count--;
        }

        string? kind = null, key = null;
        var headerLine = -1;
        var lines = new List<JournalLine>();
        var open = new Stack<string>();
        for (var i = 0; i < count; i++)
        {
            var raw = rawLines[i].TrimEnd('\r');
            if (raw.Length > 0 && raw[raw.Length - 1] == ' ')
            {
                return LockParseResult.Fail(i, "trailing spaces");
            }

            if (raw.Length == 0)
            {
                return LockParseResult.Fail(i, "a blank line");
            }

            if (raw[0] == '#')
            {
                if (key is not null)
                {
                    return LockParseResult.Fail(i, "a comment inside a handler");
                }

                continue;
            }

            if (raw[0] != ' ')
            {
                if (key is not null)
                {
                    if (open.Count > 0)
                    {
                        return LockParseResult.Fail(i, "'" + key + "' has an unclosed '" + open.Peek() + "' block");
                    }

                    handlers.Add(new HandlerManifest(kind!, key, lines.ToImmutableArray(), lineNumber: headerLine));
                }

                var space = raw.IndexOf(' ');
                kind = space < 0 ? raw : raw.Substring(0, space);
                key = space < 0 ? "" : raw.Substring(space + 1);
                if ((kind != "handler" && kind != "agent") || key.Length == 0 || key.IndexOf('/') <= 0 || key.IndexOf(' ') >= 0)
                {
                    return LockParseResult.Fail(i, "expected 'handler <Service>/<handler>' or 'agent <Name>/run'");
                }

                if (!keys.Add(key))
                {
                    return LockParseResult.Fail(i, "'" + key + "' appears twice");
                }

                headerLine = i;
                lines = new List<JournalLine>();
                open.Clear();
                continue;
            }

            if (key is null)
            {
                return LockParseResult.Fail(i, "an entry before the first handler");
            }

            var indent = 0;
            while (indent < raw.Length && raw[indent] == ' ')
            {
                indent++;
            }

            if (indent % 2 != 0)
            {
                return LockParseResult.Fail(i, "indentation is not a multiple of two spaces");
            }

            var depth = (indent / 2) - 1;
            var entry = raw.Substring(indent);
            var closing = entry == "end" || entry == "else";
            var expected = closing ? open.Count - 1 : open.Count;
            if (closing && open.Count == 0)
            {
                return LockParseResult.Fail(i, "'" + entry + "' outside a block");
            }

            if (depth != expected)
            {
                return LockParseResult.Fail(i, "expected indentation " + (2 * (expected + 1)).ToString(CultureInfo.InvariantCulture) + ", found " + indent.ToString(CultureInfo.InvariantCulture));
            }

            if (entry == "else" && open.Peek() == "loop")
            {
                return LockParseResult.Fail(i, "'else' inside a loop");
            }

            if (!Known(entry))
            {
                return LockParseResult.Fail(i, "unknown entry '" + entry + "'");
            }

            if (entry == "end")
            {
                open.Pop();
            }
            else if (entry == "if" || entry == "loop" || entry.StartsWith("patch ", System.StringComparison.Ordinal))
            {
                open.Push(entry);
            }

            lines.Add(new JournalLine(depth, entry, lineNumber: i));
        }

        if (key is not null)
        {
            if (open.Count > 0)
            {
                return LockParseResult.Fail(count - 1, "'" + key + "' has an unclosed '" + open.Peek() + "' block");
            }

            handlers.Add(new HandlerManifest(kind!, key, lines.ToImmutableArray(), lineNumber: headerLine));
        }

        return new LockParseResult(handlers.ToImmutableArray(), null, -1);
    }

    private static bool Known(string entry)
    {
        var space = entry.IndexOf(' ');
        var word = space < 0 ? entry : entry.Substring(0, space);
        switch (word)
        {
            case "if":
            case "else":
            case "end":
            case "loop":
                return space < 0;
            case "patch":
                return space > 0 && entry[space + 1] == '"';
            case "run":
            case "sleep":
            case "now":
            case "call":
            case "send":
            case "awakeable":
            case "resolve-awakeable":
            case "reject-awakeable":
            case "cancel":
            case "tool":
                return true;
            default:
                return word.StartsWith("state.", System.StringComparison.Ordinal) || word.StartsWith("promise.", System.StringComparison.Ordinal);
        }
    }
}
