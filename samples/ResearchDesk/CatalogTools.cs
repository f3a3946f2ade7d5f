using System.Collections.Concurrent;
using System.ComponentModel;
using ModelContextProtocol.Server;

namespace ResearchDesk;

/// <summary>
/// The tools of the catalog MCP server: a small offline library catalog. It counts its calls on the server side, so the
/// demo can show that a journaled MCP call is made once.
/// </summary>
[McpServerToolType]
public sealed class CatalogTools
{
    private static readonly (string Title, string Author, string[] Topics)[] Books =
    [
        ("Designing Data-Intensive Applications", "Martin Kleppmann", ["durable execution", "event sourcing", "streams", "databases"]),
        ("Enterprise Integration Patterns", "Gregor Hohpe, Bobby Woolf", ["messaging", "workflows", "event sourcing"]),
        ("Release It!", "Michael T. Nygard", ["reliability", "durable execution", "timeouts"]),
        ("Building Event-Driven Microservices", "Adam Bellemare", ["event sourcing", "streams", "messaging"]),
        ("Site Reliability Engineering", "Betsy Beyer et al.", ["reliability", "operations"]),
    ];

    private static readonly ConcurrentDictionary<string, int> CallCounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often <c>find_books</c> ran for each topic (server side).</summary>
    public static IReadOnlyDictionary<string, int> Calls => CallCounts;

    /// <summary>Finds books in the catalog about a topic.</summary>
    [McpServerTool(Name = "find_books", ReadOnly = true, Idempotent = true)]
    [Description("Finds books in the library catalog about a topic.")]
    public static string FindBooks([Description("The topic, e.g. event sourcing.")] string topic)
    {
        CallCounts.AddOrUpdate(topic, 1, static (_, n) => n + 1);
        var found = Books.Where(b => b.Topics.Any(t => t.Contains(topic, StringComparison.OrdinalIgnoreCase) || topic.Contains(t, StringComparison.OrdinalIgnoreCase)))
            .Select(static b => $"{b.Title} ({b.Author})")
            .ToList();
        Console.WriteLine($"[catalog] find_books({topic}) -> {found.Count} book(s)");
        return found.Count == 0 ? $"No books about {topic}." : string.Join("; ", found);
    }
}
