using System.Text;

namespace DurableAgents.Generator.Journal;

/// <summary>Reads the parts of a manifest line: its kind word, its quoted name or target, its result contract.</summary>
internal static class EntryText
{
    /// <summary>The first word: <c>run</c>, <c>state.get</c>, <c>call</c>, <c>if</c>, ...</summary>
    public static string Kind(string text)
    {
        var space = text.IndexOf(' ');
        return space < 0 ? text : text.Substring(0, space);
    }

    /// <summary>The name: the quoted string of <c>run "x"</c>, or the target of <c>call A/b</c>; empty when none.</summary>
    public static string Name(string text)
    {
        var head = Head(text);
        var space = head.IndexOf(' ');
        return space < 0 ? "" : head.Substring(space + 1);
    }

    /// <summary>The result contract after <c> -> </c> (outside quotes), or empty.</summary>
    public static string Result(string text)
    {
        var arrow = Arrow(text);
        return arrow < 0 ? "" : text.Substring(arrow + 4);
    }

    /// <summary>The hash of a contract (<c>Greeting@9f8e7d6c</c> → <c>9f8e7d6c</c>), or the whole text when it has none.</summary>
    public static string Hash(string contract)
    {
        var at = contract.LastIndexOf('@');
        return at < 0 ? contract : contract.Substring(at + 1);
    }

    /// <summary>
    /// The line with the C# display names of contracts removed (<c>Greeting@9f8e7d6c</c> → <c>@9f8e7d6c</c>): two lines
    /// equal under this differ at most in type names, which keeps the JSON contract (compatible).
    /// </summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    sb.Append(text[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }

                continue;
            }

            if (c == '"')
            {
                quoted = true;
            }
            else if (c == '@')
            {
                // Drop the display name just written (back to a space, '(' or ',' outside angle brackets).
                var depth = 0;
                var k = sb.Length - 1;
                for (; k >= 0; k--)
                {
                    var p = sb[k];
                    if (p == '>')
                    {
                        depth++;
                    }
                    else if (p == '<')
                    {
                        depth--;
                    }
                    else if (depth == 0 && (p == ' ' || p == '(' || p == ','))
                    {
                        break;
                    }
                }

                sb.Length = k + 1;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static string Head(string text)
    {
        var arrow = Arrow(text);
        return arrow < 0 ? text : text.Substring(0, arrow);
    }

    private static int Arrow(string text)
    {
        var quoted = false;
        for (var i = 0; i + 3 < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && quoted)
            {
                i++;
                continue;
            }

            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == ' ' && text[i + 1] == '-' && text[i + 2] == '>' && text[i + 3] == ' ')
            {
                return i;
            }
        }

        return -1;
    }
}
