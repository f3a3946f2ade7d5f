using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DurableAgents.Generator.Parsing;

/// <summary>Name conventions and C# literal helpers.</summary>
internal static class Naming
{
    /// <summary>Removes a trailing <c>Async</c> (unless that is the whole name).</summary>
    public static string TrimAsync(string name)
        => name.Length > 5 && name.EndsWith("Async", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - 5) : name;

    /// <summary>The default handler name: the method name without <c>Async</c>, first letter lower-cased (<c>GreetAsync</c> → <c>greet</c>).</summary>
    public static string DefaultHandlerName(string methodName)
    {
        var name = TrimAsync(methodName);
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The default tool name: the method name without <c>Async</c> in snake_case (<c>SearchWebAsync</c> → <c>search_web</c>).</summary>
    public static string SnakeCase(string methodName)
    {
        var name = TrimAsync(methodName);
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var prevLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i > 0 && i + 1 < name.Length && char.IsUpper(name[i - 1]) && char.IsLower(name[i + 1]);
                if (prevLower || nextLower)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// System.Text.Json's camel-case policy (<c>JsonNamingPolicy.CamelCase</c>): lower-case the leading run of
    /// upper-case letters, keeping the last one when a lower-case letter follows (<c>URLValue</c> → <c>urlValue</c>).
    /// </summary>
    public static string JsonCamelCase(string name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>Escapes an identifier that is a C# keyword (<c>class</c> → <c>@class</c>).</summary>
    public static string Identifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.VarKeyword
            ? "@" + name
            : name;

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
