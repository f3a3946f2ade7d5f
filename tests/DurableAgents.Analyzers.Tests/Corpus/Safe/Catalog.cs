using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;
using DurableAgents;

namespace Corpus.Catalog;

public sealed record Product(string Sku, string Name, string Category, decimal Price);

public sealed record PriceRequest(string Sku, string Region);

public sealed record RegionalPrice(string Sku, string Region, decimal Price, string Formatted);

public sealed record RestockPlan(IReadOnlyList<string> Warehouses, int Notified);

/// <summary>Catalog look-ups over immutable data: constants, static readonly tables, frozen and sorted collections.</summary>
[Service("Catalog")]
public sealed partial class CatalogService(HttpClient http)
{
    private const string DefaultRegion = "EU";

    private static readonly ImmutableArray<Product> Products =
    [
        new("SKU-1", "Kettle", "kitchen", 39.90m),
        new("SKU-2", "Toaster", "kitchen", 29.50m),
        new("SKU-3", "Desk lamp", "office", 24.00m),
        new("SKU-4", "Notebook", "office", 4.20m),
    ];

    private static readonly FrozenDictionary<string, decimal> VatByRegion = new Dictionary<string, decimal>
    {
        ["EU"] = 0.20m,
        ["UK"] = 0.20m,
        ["US"] = 0.0m,
        ["CH"] = 0.081m,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> DiscontinuedSkus = new[] { "SKU-0", "SKU-9" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, CultureInfo> Cultures = new SortedDictionary<string, CultureInfo>(StringComparer.Ordinal)
    {
        ["CH"] = CultureInfo.GetCultureInfo("de-CH"),
        ["EU"] = CultureInfo.GetCultureInfo("fr-FR"),
        ["UK"] = CultureInfo.GetCultureInfo("en-GB"),
        ["US"] = CultureInfo.GetCultureInfo("en-US"),
    };

    [Handler]
    public Task<IReadOnlyList<Product>> ListAsync(string category)
    {
        IReadOnlyList<Product> matches = Products
            .Where(p => string.Equals(p.Category, category, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.Price)
            .ThenBy(p => p.Sku, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(matches);
    }

    [Handler]
    public Task<RegionalPrice> PriceAsync(PriceRequest request)
    {
        if (DiscontinuedSkus.Contains(request.Sku))
        {
            throw new TerminalException($"{request.Sku} is discontinued.", 410);
        }

        var product = Products.FirstOrDefault(p => p.Sku == request.Sku) ?? throw new TerminalException($"Unknown SKU {request.Sku}.", 404);
        var region = VatByRegion.ContainsKey(request.Region) ? request.Region.ToUpperInvariant() : DefaultRegion;
        var price = Math.Round(product.Price * (1 + VatByRegion[region]), 2, MidpointRounding.ToEven);
        return Task.FromResult(new RegionalPrice(product.Sku, region, price, price.ToString("C", Cultures[region])));
    }

    [Handler]
    public async Task<RestockPlan> RestockAsync(IContext ctx, IReadOnlyDictionary<string, int> stockByWarehouse)
    {
        // A sorted copy: the journal order of the notifications does not depend on hashing.
        var sorted = new SortedDictionary<string, int>(stockByWarehouse.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
        var notified = new List<string>();
        foreach (var (warehouse, stock) in sorted)
        {
            if (stock >= 10)
            {
                continue;
            }

            await ctx.RunAsync("notify:" + warehouse, async ct =>
            {
                using var response = await http.PostAsync("https://warehouses.example/" + warehouse + "/restock", null, ct);
                response.EnsureSuccessStatusCode();
            });
            notified.Add(warehouse);
        }

        return new RestockPlan(notified, notified.Count);
    }

    [Handler]
    public async Task<int> SyncCategoriesAsync(IContext ctx)
    {
        var categories = Products.Select(p => p.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        foreach (var category in categories)
        {
            await ctx.RunAsync("sync:" + category, async ct =>
            {
                using var response = await http.PutAsync("https://search.example/categories/" + category, new StringContent(category), ct);
                response.EnsureSuccessStatusCode();
            });
        }

        return categories.Length;
    }
}

[JsonSerializable(typeof(IReadOnlyList<Product>))]
[JsonSerializable(typeof(PriceRequest))]
[JsonSerializable(typeof(RegionalPrice))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, int>))]
[JsonSerializable(typeof(RestockPlan))]
internal sealed partial class CatalogJson : JsonSerializerContext;
