using DurableAgents;
using DurableAgents.Agents;

namespace ChatSession;

/// <summary>A restaurant concierge: one session per user (Virtual Object key), bookings need a human approval.</summary>
[DurableAgent("Concierge", Session = true)]
[AgentInstructions("You are a restaurant concierge. Use book_table to book a table; confirm what you did.")]
public partial class Concierge : IConfigureDurableAgent
{
    /// <summary>Books a table at a restaurant.</summary>
    /// <param name="restaurant">The restaurant's name.</param>
    [DurableTool(RequiresApproval = true)]
    public static string BookTable(string restaurant)
    {
        Console.WriteLine($"[service] booking a table at {restaurant} (runs once, after approval)");
        return $"Table booked at {restaurant} for tonight.";
    }

    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
    {
        options.ApprovalTimeout = TimeSpan.FromMinutes(10);
        options.Compaction = new HistoryCompaction { MaxCharacters = 16_000, KeepLastMessages = 6 };
    }
}
