using System.Text.Json.Serialization;
using DurableAgents;

namespace Corpus.Loyalty;

public sealed record LoyaltyAccount(long Points, string Tier, IReadOnlyList<string> Coupons);

public sealed record Purchase(decimal Amount, string Store);

/// <summary>A loyalty account per customer; coupon codes come from the context's deterministic random and GUIDs.</summary>
[VirtualObject("Loyalty")]
public sealed partial class LoyaltyAccounts
{
    private const string AccountKey = "account";
    private static readonly LoyaltyAccount NewAccount = new(0, "bronze", []);
    private static readonly (long Threshold, string Tier)[] Tiers = [(10_000, "gold"), (2_500, "silver"), (0, "bronze")];

    [Handler]
    public async Task<LoyaltyAccount> EarnAsync(IObjectContext ctx, Purchase purchase)
    {
        var account = await ctx.GetAsync(AccountKey, LoyaltyJson.Default.LoyaltyAccount) ?? NewAccount;
        var points = account.Points + (long)Math.Floor(purchase.Amount);
        var tier = Tiers.First(t => points >= t.Threshold).Tier;
        var coupons = account.Coupons;
        if (tier != account.Tier)
        {
            // A welcome coupon for the new tier: random but journaled through the context.
            var code = $"{tier.ToUpperInvariant()}-{ctx.Random.Next(1000, 9999)}";
            coupons = [.. coupons, code];
        }

        var updated = new LoyaltyAccount(points, tier, coupons);
        ctx.Set(AccountKey, updated, LoyaltyJson.Default.LoyaltyAccount);
        return updated;
    }

    [Handler]
    public async Task<string> IssueGiftCardAsync(IObjectContext ctx, decimal amount)
    {
        var account = await ctx.GetAsync(AccountKey, LoyaltyJson.Default.LoyaltyAccount) ?? NewAccount;
        var cost = (long)(amount * 100);
        if (account.Points < cost)
        {
            throw new TerminalException($"Not enough points: {account.Points} < {cost}.", 409);
        }

        var cardNumber = ctx.NewGuid().ToString("N").ToUpperInvariant();
        var bytes = new byte[4];
        ctx.Random.NextBytes(bytes);
        var pin = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes) % 10_000;
        ctx.Set(AccountKey, account with { Points = account.Points - cost }, LoyaltyJson.Default.LoyaltyAccount);
        return $"{cardNumber}/{pin:D4}";
    }

    [SharedHandler]
    public async Task<LoyaltyAccount> BalanceAsync(ISharedObjectContext ctx)
        => await ctx.GetAsync(AccountKey, LoyaltyJson.Default.LoyaltyAccount) ?? NewAccount;
}

[JsonSerializable(typeof(LoyaltyAccount))]
[JsonSerializable(typeof(Purchase))]
[JsonSerializable(typeof(decimal))]
internal sealed partial class LoyaltyJson : JsonSerializerContext;
