using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Documents;

public sealed record ReviewRequest(string DocumentId, string Author, IReadOnlyList<string> Reviewers);

public sealed record ReviewVote(string Reviewer, bool Approved, string? Comment);

public sealed record ReviewOutcome(string DocumentId, bool Approved, IReadOnlyList<ReviewVote> Votes, string DecidedAt);

/// <summary>
/// A document review: each reviewer gets an awakeable; votes come back through a shared handler; the run waits for
/// all of them (or a deadline) and publishes the outcome.
/// </summary>
[Workflow("DocumentReview")]
public sealed partial class DocumentReviewWorkflow(HttpClient http, ILogger<DocumentReviewWorkflow> logger)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromDays(3);

    [Handler]
    public async Task<ReviewOutcome> RunAsync(IWorkflowContext ctx, ReviewRequest request)
    {
        var reviewers = request.Reviewers.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (reviewers.Count == 0)
        {
            throw new TerminalException("A review needs at least one reviewer.", 400);
        }

        var pending = reviewers.Select(r => (Reviewer: r, Vote: ctx.Promise<ReviewVote>("vote:" + r.ToLowerInvariant()).GetAsync())).ToList();
        await ctx.RunAsync("notify-reviewers", async ct =>
        {
            foreach (var reviewer in reviewers)
            {
                using var response = await http.PostAsync($"https://docs.example/{request.DocumentId}/review-requests/{Uri.EscapeDataString(reviewer)}", null, ct);
                response.EnsureSuccessStatusCode();
            }
        });

        var all = ctx.WhenAll(pending.Select(p => (DurableFuture)p.Vote).ToArray());
        var timer = ctx.SleepAsync(Deadline, "review-deadline");
        var votes = new List<ReviewVote>();
        if (await ctx.WhenAny(all, timer) == 0)
        {
            foreach (var (_, vote) in pending)
            {
                votes.Add(await vote);
            }
        }

        var approved = votes.Count == reviewers.Count && votes.All(v => v.Approved);
        var decidedAt = await ctx.NowAsync();
        ctx.Set("outcome", approved ? "approved" : "rejected");
        logger.LogInformation("Review of {Document}: {Outcome} with {Votes} votes", request.DocumentId, approved, votes.Count);
        return new ReviewOutcome(request.DocumentId, approved, votes, decidedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [SharedHandler]
    public async Task<bool> VoteAsync(ISharedWorkflowContext ctx, ReviewVote vote)
    {
        var promise = ctx.Promise<ReviewVote>("vote:" + vote.Reviewer.ToLowerInvariant());
        if ((await promise.PeekAsync()).Exists)
        {
            return false;
        }

        await promise.ResolveAsync(vote);
        return true;
    }

    [SharedHandler]
    public async Task<string> OutcomeAsync(ISharedWorkflowContext ctx) => await ctx.GetAsync<string>("outcome") ?? "pending";
}

[JsonSerializable(typeof(ReviewRequest))]
[JsonSerializable(typeof(ReviewVote))]
[JsonSerializable(typeof(ReviewOutcome))]
internal sealed partial class DocumentsJson : JsonSerializerContext;
