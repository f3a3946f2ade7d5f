using System.Text.Json.Serialization;
using Corpus.Carts;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Subscriptions;

public sealed record Plan(string Id, decimal MonthlyPrice, IReadOnlyList<string> Features);

public sealed record Subscription(string PlanId, DateTimeOffset StartedAt, DateTimeOffset RenewsAt, Dictionary<string, int> Usage);

public sealed record UsageReport(string Feature, int Count);

/// <summary>
/// A subscription per customer. Usage lives in a dictionary (state); every loop that drives a durable call goes over a
/// sorted view of it, so the journal order does not depend on hashing.
/// </summary>
[VirtualObject("Subscription")]
public sealed partial class SubscriptionObject(HttpClient http, ILogger<SubscriptionObject> logger)
{
    private const string StateKey = "subscription";

    private static readonly Dictionary<string, Plan> Plans = new(StringComparer.Ordinal)
    {
        ["basic"] = new("basic", 9m, ["projects"]),
        ["pro"] = new("pro", 29m, ["projects", "api", "sso"]),
    };

    [Handler]
    public async Task<Subscription> StartAsync(IObjectContext ctx, string planId)
    {
        if (!Plans.TryGetValue(planId, out var plan))
        {
            throw new TerminalException($"Unknown plan '{planId}'.", 404);
        }

        var now = await ctx.NowAsync();
        var subscription = new Subscription(plan.Id, now, now.AddMonths(1), plan.Features.ToDictionary(f => f, _ => 0, StringComparer.Ordinal));
        ctx.Set(StateKey, subscription);

        // Renew in a month: a delayed one-way call to this object's own handler.
        var renewal = ctx.Send(CallTarget.ForObject("Subscription", ctx.Key, "renew"), plan.Id, SubscriptionsJson.Default.String, new SendOptions { Delay = subscription.RenewsAt - now });
        ctx.Set("renewal", await renewal.InvocationId);
        return subscription;
    }

    [Handler]
    public async Task<int> RecordUsageAsync(IObjectContext ctx, UsageReport report)
    {
        var subscription = await ctx.GetAsync<Subscription>(StateKey) ?? throw new TerminalException("No subscription.", 404);
        if (!subscription.Usage.TryGetValue(report.Feature, out var count))
        {
            throw new TerminalException($"{report.Feature} is not in the plan.", 403);
        }

        subscription.Usage[report.Feature] = count + report.Count;
        ctx.Set(StateKey, subscription);
        return count + report.Count;
    }

    [Handler]
    public async Task<int> BillUsageAsync(IObjectContext ctx)
    {
        var subscription = await ctx.GetAsync<Subscription>(StateKey) ?? throw new TerminalException("No subscription.", 404);
        var billed = 0;
        foreach (var (feature, count) in subscription.Usage.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (count == 0)
            {
                continue;
            }

            await ctx.RunAsync("bill:" + feature, async ct =>
            {
                using var response = await http.PostAsync($"https://billing.example/{ctx.Key}/usage/{feature}?count={count}", null, ct);
                response.EnsureSuccessStatusCode();
            });
            billed += count;
        }

        // Totals over the dictionary that drive no durable call: any order gives the same sum.
        var total = 0;
        foreach (var count in subscription.Usage.Values)
        {
            total += count;
        }

        logger.LogInformation("Billed {Billed} of {Total} usage units for {Key}", billed, total, ctx.Key);
        ctx.Set(StateKey, subscription with { Usage = subscription.Usage.ToDictionary(kv => kv.Key, _ => 0, StringComparer.Ordinal) });
        return billed;
    }

    [Handler]
    public async Task RenewAsync(IObjectContext ctx, string planId)
    {
        var subscription = await ctx.GetAsync<Subscription>(StateKey);
        if (subscription is null || subscription.PlanId != planId)
        {
            return; // cancelled or changed plan since the renewal was scheduled
        }

        await ctx.RunAsync("charge-renewal", async ct =>
        {
            using var response = await http.PostAsync($"https://billing.example/{ctx.Key}/renewals?plan={planId}", null, ct);
            response.EnsureSuccessStatusCode();
        });
        var next = subscription.RenewsAt.AddMonths(1);
        ctx.Set(StateKey, subscription with { RenewsAt = next });
        ctx.Send(CallTarget.ForObject("Subscription", ctx.Key, "renew"), planId, SubscriptionsJson.Default.String, new SendOptions { Delay = next - await ctx.NowAsync() });
    }

    [Handler]
    public async Task CancelAsync(IObjectContext ctx)
    {
        var renewal = await ctx.GetAsync<string>("renewal");
        if (renewal is not null)
        {
            ctx.CancelInvocation(renewal);
        }

        // Empty the customer's cart too (a one-way call through the generated client).
        new ShoppingCartContextClient(ctx, ctx.Key).SendEmpty();
        ctx.ClearAll();
    }

    [SharedHandler]
    public async Task<IReadOnlyList<UsageReport>> UsageAsync(ISharedObjectContext ctx)
    {
        var subscription = await ctx.GetAsync<Subscription>(StateKey);
        return subscription is null
            ? []
            : subscription.Usage.Select(kv => new UsageReport(kv.Key, kv.Value)).OrderBy(u => u.Feature, StringComparer.Ordinal).ToList();
    }
}

[JsonSerializable(typeof(Subscription))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(IReadOnlyList<UsageReport>))]
[JsonSerializable(typeof(string))]
internal sealed partial class SubscriptionsJson : JsonSerializerContext;
