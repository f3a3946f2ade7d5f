using System.Text.Json.Nodes;

namespace DurableAgents.Clients;

/// <summary>One entry of an invocation's journal, as Restate's <c>sys_journal</c> table shows it.</summary>
/// <param name="Index">The entry index (0 is the input command).</param>
/// <param name="EntryType">Restate's entry type, e.g. <c>Command: Run</c> or <c>Notification: Run</c>.</param>
/// <param name="Name">The entry name (a step name such as <c>llm:1</c>), or null when the entry has none.</param>
/// <param name="Completed">Whether the entry is completed (null for entry types without a completion).</param>
/// <param name="InvokedTarget">For calls and sends: the target (<c>Service/handler</c>), else null.</param>
/// <param name="AppendedAt">When Restate appended the entry, if known.</param>
public sealed record JournalEntry(int Index, string EntryType, string? Name, bool? Completed, string? InvokedTarget, DateTimeOffset? AppendedAt)
{
    /// <summary>The whole row, as the admin API answered it.</summary>
    public required JsonObject Raw { get; init; }
}
