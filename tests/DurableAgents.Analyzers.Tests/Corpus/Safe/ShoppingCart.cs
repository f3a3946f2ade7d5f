using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Corpus.Orders;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Carts;

public sealed record CartItem(string Sku, int Quantity, decimal UnitPrice);

public sealed record Cart(ImmutableArray<CartItem> Items, DateTimeOffset? UpdatedAt)
{
    public static Cart Empty { get; } = new([], null);

    public decimal Total => Items.Sum(i => i.Quantity * i.UnitPrice);
}

public sealed record CartSummary(int Lines, int Units, decimal Total);

/// <summary>A shopping cart per customer: exclusive handlers change the state, shared ones only read it.</summary>
[VirtualObject("Cart")]
public sealed partial class ShoppingCart(ILogger<ShoppingCart> logger)
{
    private const string CartKey = "cart";
    private const int MaxLines = 50;

    [Handler]
    public async Task<Cart> AddItemAsync(IObjectContext ctx, CartItem item)
    {
        if (item.Quantity <= 0)
        {
            throw new TerminalException($"Quantity must be positive, got {item.Quantity}.", 400);
        }

        var cart = await ctx.GetAsync<Cart>(CartKey) ?? Cart.Empty;
        var existing = cart.Items.FirstOrDefault(i => i.Sku == item.Sku);
        var items = existing is null
            ? cart.Items.Add(item)
            : cart.Items.Replace(existing, existing with { Quantity = existing.Quantity + item.Quantity });
        if (items.Length > MaxLines)
        {
            throw new TerminalException("The cart is full.", 409);
        }

        var updated = new Cart(items, await ctx.NowAsync());
        ctx.Set(CartKey, updated);
        logger.LogDebug("Cart {Key} now has {Lines} lines", ctx.Key, items.Length);
        return updated;
    }

    [Handler]
    public async Task<Cart> RemoveItemAsync(IObjectContext ctx, string sku)
    {
        var cart = await ctx.GetAsync<Cart>(CartKey) ?? Cart.Empty;
        var updated = cart with { Items = cart.Items.RemoveAll(i => i.Sku == sku), UpdatedAt = await ctx.NowAsync() };
        if (updated.Items.IsEmpty)
        {
            ctx.Clear(CartKey);
        }
        else
        {
            ctx.Set(CartKey, updated);
        }

        return updated;
    }

    [Handler]
    public async Task<OrderConfirmation> CheckoutAsync(IObjectContext ctx)
    {
        var cart = await ctx.GetAsync<Cart>(CartKey);
        if (cart is null || cart.Items.IsEmpty)
        {
            throw new TerminalException("The cart is empty.", 400);
        }

        var lines = cart.Items.Select(i => new OrderLine(i.Sku, i.Quantity, i.UnitPrice)).ToList();
        var confirmation = await new OrderServiceContextClient(ctx).PlaceOrderAsync(
            new PlaceOrderRequest(ctx.Key, lines),
            new CallOptions { IdempotencyKey = "checkout-" + ctx.Key + "-" + cart.UpdatedAt?.ToUnixTimeMilliseconds() });
        ctx.ClearAll();
        return confirmation;
    }

    [Handler]
    public Task EmptyAsync(IObjectContext ctx)
    {
        ctx.ClearAll();
        return Task.CompletedTask;
    }

    [SharedHandler]
    public async Task<Cart> GetAsync(ISharedObjectContext ctx) => await ctx.GetAsync<Cart>(CartKey) ?? Cart.Empty;

    [SharedHandler]
    public async Task<CartSummary> SummaryAsync(ISharedObjectContext ctx)
    {
        var state = await ctx.TryGetAsync<Cart>(CartKey);
        if (!state.Exists || state.Value is not { } cart)
        {
            return new CartSummary(0, 0, 0m);
        }

        return new CartSummary(cart.Items.Length, cart.Items.Sum(i => i.Quantity), cart.Total);
    }
}

[JsonSerializable(typeof(Cart))]
[JsonSerializable(typeof(CartItem))]
[JsonSerializable(typeof(CartSummary))]
internal sealed partial class CartJson : JsonSerializerContext;
