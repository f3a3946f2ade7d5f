using System.Text;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>
/// The generator's default names (generator/DurableAgents.Generator/Parsing/Naming.cs), repeated here because the
/// analyzers cannot reference the generator. The duplicate-name rule must compute exactly the names it registers.
/// </summary>
internal static class Naming
{
    public static string TrimAsync(string name) =>
        name.Length > 5 && name.EndsWith("Async", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - 5) : name;

    /// <summary><c>GreetAsync</c> → <c>greet</c>.</summary>
    public static string DefaultHandlerName(string methodName)
    {
        var name = TrimAsync(methodName);
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary><c>SearchWebAsync</c> → <c>search_web</c>.</summary>
    public static string DefaultToolName(string methodName)
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
}
