using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Corpus.Shared;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Inventory;

public sealed record Reservation(string ReservationId, string Sku, int Quantity, DateTimeOffset ExpiresAt);

public sealed record ReserveRequest(string Sku, int Quantity);

public interface IStockApi
{
    Task<int> GetStockAsync(string sku, CancellationToken cancellationToken);

    Task ReserveAsync(string reservationId, string sku, int quantity, CancellationToken cancellationToken);
}

public sealed class StockApi(HttpClient http) : IStockApi
{
    public async Task<int> GetStockAsync(string sku, CancellationToken cancellationToken)
        => int.Parse(await http.GetStringAsync("https://stock.example/" + Uri.EscapeDataString(sku), cancellationToken), CultureInfo.InvariantCulture);

    public async Task ReserveAsync(string reservationId, string sku, int quantity, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("https://stock.example/reservations", new { reservationId, sku, quantity }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>Inventory handlers written with the team's context helpers (<see cref="ContextExtensions"/>).</summary>
[Service("Inventory")]
public sealed partial class InventoryService(IStockApi stock, ILogger<InventoryService> logger)
{
    private static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(15);

    [Handler]
    public async Task<int> StockAsync(IContext ctx, string sku)
        => await ctx.TimedStepAsync("stock:" + sku, ct => stock.GetStockAsync(sku, ct), logger);

    [Handler]
    public async Task<Reservation> ReserveAsync(IContext ctx, ReserveRequest request)
    {
        var available = await ctx.StepWithRetriesAsync("stock", ct => stock.GetStockAsync(request.Sku, ct));
        if (available < request.Quantity)
        {
            throw new TerminalException($"Only {available} of {request.Sku} left.", 409);
        }

        var id = await ctx.NewSortableIdAsync("res");
        await ctx.StepWithRetriesAsync("reserve", async ct =>
        {
            await stock.ReserveAsync(id, request.Sku, request.Quantity, ct);
            return true;
        });

        var now = await ctx.NowAsync();
        logger.LogInformation("Reserved {Quantity} x {Sku} as {Id}", request.Quantity, request.Sku, id);
        return new Reservation(id, request.Sku, request.Quantity, now + HoldFor);
    }

    [Handler]
    public async Task ReleaseLaterAsync(IContext ctx, Reservation reservation)
    {
        await ctx.SleepUntilAsync(reservation.ExpiresAt, "hold");
        await ctx.TimedStepAsync("release", async ct =>
        {
            await stock.ReserveAsync(reservation.ReservationId, reservation.Sku, 0, ct);
            return reservation.ReservationId;
        }, logger);
    }

    [Handler]
    public async Task<IReadOnlyList<int>> StockOfManyAsync(IContext ctx, IReadOnlyList<string> skus)
    {
        var results = new List<int>();
        foreach (var sku in skus)
        {
            results.Add(await ctx.TimedStepAsync("stock:" + sku, ct => stock.GetStockAsync(sku, ct), logger));
        }

        return results;
    }
}

[JsonSerializable(typeof(Reservation))]
[JsonSerializable(typeof(ReserveRequest))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<int>))]
internal sealed partial class InventoryJson : JsonSerializerContext;
