using System.Collections.Generic;

namespace DurableAgents.Generator.Journal;

/// <summary>A parsed tool line: <c>tool get_weather(city: String@…, days?: Int32@…) -> Forecast@…</c>.</summary>
internal sealed class ToolSignature
{
    private ToolSignature(string name, List<(string Name, bool Optional, string Type)> arguments, string result)
    {
        Name = name;
        Arguments = arguments;
        Result = result;
    }

    public string Name { get; }

    public List<(string Name, bool Optional, string Type)> Arguments { get; }

    public string Result { get; }

    public static ToolSignature Parse(string text)
    {
        var open = text.IndexOf('(');
        var name = open < 0 ? text.Substring(5) : text.Substring(5, open - 5);
        var arguments = new List<(string, bool, string)>();
        var close = open;
        if (open >= 0)
        {
            var depth = 0;
            var start = open + 1;
            for (var k = open; k < text.Length; k++)
            {
                var c = text[k];
                if (c is '(' or '<')
                {
                    depth++;
                }
                else if (c is ')' or '>')
                {
                    depth--;
                }

                if ((depth == 1 && c == ',' && k + 1 < text.Length && text[k + 1] == ' ') || depth == 0)
                {
                    Argument(text.Substring(start, k - start), arguments);
                    start = k + 2;
                    if (depth == 0)
                    {
                        close = k;
                        break;
                    }
                }
            }
        }

        var arrow = close >= 0 ? text.IndexOf(" -> ", close, System.StringComparison.Ordinal) : -1;
        return new ToolSignature(name, arguments, arrow < 0 ? "" : text.Substring(arrow + 4));
    }

    /// <summary>Why <paramref name="now"/> breaks calls recorded against <paramref name="before"/>, or null when it is compatible.</summary>
    public static string? Incompatibility(ToolSignature before, ToolSignature now)
    {
        foreach (var old in before.Arguments)
        {
            var found = now.Arguments.Find(a => a.Name == old.Name);
            if (found.Name is null)
            {
                return "argument '" + old.Name + "' removed";
            }

            if (EntryText.Hash(found.Type) != EntryText.Hash(old.Type))
            {
                return "argument '" + old.Name + "' changed type";
            }

            if (old.Optional && !found.Optional)
            {
                return "argument '" + old.Name + "' became required";
            }
        }

        foreach (var added in now.Arguments)
        {
            if (!added.Optional && before.Arguments.Find(a => a.Name == added.Name).Name is null)
            {
                return "new required argument '" + added.Name + "'";
            }
        }

        return EntryText.Hash(before.Result) != EntryText.Hash(now.Result) ? "result contract changed" : null;
    }

    private static void Argument(string text, List<(string, bool, string)> arguments)
    {
        var colon = text.IndexOf(": ", System.StringComparison.Ordinal);
        if (colon <= 0)
        {
            return;
        }

        var name = text.Substring(0, colon);
        var optional = name.EndsWith("?", System.StringComparison.Ordinal);
        arguments.Add((optional ? name.Substring(0, name.Length - 1) : name, optional, text.Substring(colon + 2)));
    }
}
