namespace DurableAgents.Generator.Parsing;

/// <summary>The declaration rules of <c>[McpServer]</c>, shared by the generator (which skips an invalid agent) and DA1011.</summary>
internal static class McpServerRules
{
    /// <summary>The runtime's McpServer.MaxNameLength.</summary>
    public const int MaxNameLength = 64;

    /// <summary>A server name: 1 to 64 ASCII letters, digits, '_', '-' or '.' (it is part of step names).</summary>
    public static bool IsValidName(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var ch in name)
        {
            if (!(ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An absolute http(s) URL.</summary>
    public static bool IsHttpUrl(string url)
        => System.Uri.TryCreate(url, System.UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https");
}
