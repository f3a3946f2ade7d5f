using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corpus.Orders;

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

public sealed record PlaceOrderRequest(string CustomerId, IReadOnlyList<OrderLine> Lines, string? CouponCode = null);

public sealed record OrderConfirmation(string OrderId, decimal Total, DateTimeOffset PlacedAt, string PaymentReference);

public sealed record QuoteResult(decimal Subtotal, decimal Tax, decimal Total, string Display);

public sealed record PriceCheck(string Sku, decimal Price);

public sealed class OrderOptions
{
    public string PaymentsBaseUrl { get; set; } = "https://payments.example";

    public decimal FreeShippingThreshold { get; set; } = 50m;
}

/// <summary>Places orders: the payment call and the id come from steps and the context, so a replay sees the same values.</summary>
[Service("Orders")]
public sealed partial class OrderService(IHttpClientFactory httpClients, IOptions<OrderOptions> options, ILogger<OrderService> logger)
{
    private const decimal TaxRate = 0.2m;

    [Handler]
    public async Task<OrderConfirmation> PlaceOrderAsync(IContext ctx, PlaceOrderRequest request)
    {
        if (request.Lines.Count == 0)
        {
            throw new TerminalException("An order needs at least one line.", 400);
        }

        var orderId = ctx.NewGuid().ToString("N");
        var placedAt = await ctx.NowAsync();
        var total = request.Lines.Sum(l => l.Quantity * l.UnitPrice) * (1 + TaxRate);
        logger.LogInformation("Placing order {OrderId} for {Customer} ({Lines} lines)", orderId, request.CustomerId, request.Lines.Count);

        var paymentReference = await ctx.RunAsync("charge", async ct =>
        {
            var http = httpClients.CreateClient("payments");
            using var response = await http.PostAsJsonAsync(
                options.Value.PaymentsBaseUrl + "/charges",
                new { orderId, request.CustomerId, amount = total },
                ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(ct);
        });

        return new OrderConfirmation(orderId, total, placedAt, paymentReference);
    }

    [Handler]
    public Task<QuoteResult> QuoteAsync(PlaceOrderRequest request)
    {
        var subtotal = request.Lines.Where(l => l.Quantity > 0).Sum(l => l.Quantity * l.UnitPrice);
        var discount = request.CouponCode switch
        {
            null or "" => 0m,
            var code when code.StartsWith("TEN", StringComparison.OrdinalIgnoreCase) => subtotal * 0.1m,
            _ => 0m,
        };
        var taxed = (subtotal - discount) * TaxRate;
        var total = subtotal - discount + taxed;
        return Task.FromResult(new QuoteResult(subtotal, taxed, total, total.ToString("C", CultureInfo.GetCultureInfo("en-US"))));
    }

    [Handler]
    public async Task<IReadOnlyList<PriceCheck>> CheckPricesAsync(IContext ctx, IReadOnlyList<string> skus)
    {
        // One step per SKU, started together and awaited through the journal.
        var futures = skus
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(sku => (Sku: sku, Price: ctx.RunAsync("price:" + sku, async ct =>
            {
                var http = httpClients.CreateClient("catalog");
                var text = await http.GetStringAsync("https://catalog.example/prices/" + Uri.EscapeDataString(sku), ct);
                return decimal.Parse(text, CultureInfo.InvariantCulture);
            })))
            .ToList();

        await ctx.WhenAll(futures.Select(f => (DurableFuture)f.Price).ToArray());

        var results = new List<PriceCheck>(futures.Count);
        foreach (var (sku, price) in futures)
        {
            results.Add(new PriceCheck(sku, await price));
        }

        return results;
    }

    [Handler]
    public async Task<string> CancelOrderAsync(IContext ctx, string orderId)
    {
        try
        {
            await ctx.RunAsync("refund", async ct =>
            {
                var http = httpClients.CreateClient("payments");
                using var response = await http.DeleteAsync(options.Value.PaymentsBaseUrl + "/charges/" + orderId, ct);
                if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    throw new TerminalException("The charge was already settled.", 409);
                }

                response.EnsureSuccessStatusCode();
            });
            return $"Order {orderId} cancelled.";
        }
        catch (TerminalException e) when (e is not CancelledException && e.Code == 409) // cancellation is 409 too: let it through
        {
            ctx.Logger.LogWarning("Order {OrderId} could not be refunded: {Reason}", orderId, e.Message);
            return $"Order {orderId} was already settled; a credit note will follow.";
        }
    }

    [Handler]
    public async Task<bool> QualifiesForFreeShippingAsync(IContext ctx, PlaceOrderRequest request)
    {
        // Configuration can change between a run and its replay: read it in a step so the decision is journaled.
        var threshold = await ctx.RunAsync("free-shipping-threshold", _ => Task.FromResult(options.Value.FreeShippingThreshold));
        return request.Lines.Sum(l => l.Quantity * l.UnitPrice) >= threshold;
    }
}

[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(OrderConfirmation))]
[JsonSerializable(typeof(QuoteResult))]
[JsonSerializable(typeof(IReadOnlyList<PriceCheck>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class OrdersJson : JsonSerializerContext;
