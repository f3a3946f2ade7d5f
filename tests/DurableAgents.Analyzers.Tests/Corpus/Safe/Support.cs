using System.ComponentModel;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Agents;
using Microsoft.Extensions.Logging;

namespace Corpus.Support;

public sealed record Ticket(string Id, string Customer, string Subject, string Status);

public sealed record RefundResult(string OrderId, decimal Amount, bool Issued);

public interface ITicketStore
{
    Task<Ticket?> FindAsync(string id, CancellationToken cancellationToken);

    Task<Ticket> UpdateStatusAsync(string id, string status, CancellationToken cancellationToken);
}

/// <summary>
/// A support session per customer (a Virtual Object): refunds need a human approval; the approval request is posted to
/// the team's chat from <see cref="DurableAgentOptions.OnApprovalRequested"/>, which runs as a journaled step.
/// </summary>
[DurableAgent("SupportDesk", Session = true)]
[AgentInstructions("You are a support agent. Use lookup_ticket and close_ticket; use issue_refund only when the customer asks for a refund.")]
public partial class SupportAgent(ITicketStore tickets, HttpClient http, ILogger<SupportAgent> logger) : IConfigureDurableAgent
{
    /// <summary>Finds a support ticket by id.</summary>
    /// <param name="ticketId">The ticket id, e.g. T-1042.</param>
    [DurableTool]
    public async Task<Ticket> LookupTicketAsync(string ticketId, CancellationToken cancellationToken)
        => await tickets.FindAsync(ticketId, cancellationToken) ?? throw new ArgumentException($"No ticket {ticketId}.", nameof(ticketId));

    /// <summary>Closes a ticket.</summary>
    /// <param name="ticketId">The ticket id.</param>
    [DurableTool]
    public Task<Ticket> CloseTicketAsync(string ticketId, CancellationToken cancellationToken)
        => tickets.UpdateStatusAsync(ticketId, "closed", cancellationToken);

    /// <summary>Refunds an order (needs a human approval).</summary>
    /// <param name="orderId">The order to refund.</param>
    /// <param name="amount">The amount, in euros.</param>
    [DurableTool(RequiresApproval = true)]
    public async Task<RefundResult> IssueRefundAsync(string orderId, decimal amount, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("https://payments.example/refunds", new { orderId, amount }, cancellationToken);
        logger.LogInformation("Refund of {Amount} for {Order}: {Status}", amount, orderId, response.StatusCode);
        return new RefundResult(orderId, amount, response.IsSuccessStatusCode);
    }

    /// <summary>Escalates the conversation to a human.</summary>
    /// <param name="reason">Why the customer needs a human.</param>
    [DurableTool("escalate", Description = "Hands the conversation to a human agent.")]
    public static string Escalate(string reason) => $"Escalated at {DateTime.UtcNow:HH:mm} UTC: {reason}";

    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
    {
        options.ApprovalTimeout = TimeSpan.FromHours(4);
        options.Compaction = new HistoryCompaction { MaxCharacters = 20_000, KeepLastMessages = 8 };
        options.OnApprovalRequested = async (pending, ct) =>
        {
            var lines = pending.Select(p => $"{p.ToolName} {p.Arguments} (expires {p.ExpiresAt:u}, id {p.Id})");
            using var response = await http.PostAsJsonAsync(
                "https://chat.example/hooks/support-approvals",
                new { text = $"{DateTimeOffset.UtcNow:u}: {pending.Count} approval(s) waiting:\n" + string.Join('\n', lines) },
                ct);
            response.EnsureSuccessStatusCode();
        };
    }
}

[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(RefundResult))]
internal sealed partial class SupportJson : JsonSerializerContext;
