using System.Text.Json.Serialization;
using DurableAgents;

namespace Corpus.Shipping;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Parcel), "parcel")]
[JsonDerivedType(typeof(Freight), "freight")]
[JsonDerivedType(typeof(Digital), "digital")]
public abstract record Shipment(string Id, string Destination);

public sealed record Parcel(string Id, string Destination, decimal WeightKg) : Shipment(Id, Destination);

public sealed record Freight(string Id, string Destination, int Pallets, bool Hazardous) : Shipment(Id, Destination);

public sealed record Digital(string Id, string Destination, string DownloadUrl) : Shipment(Id, Destination);

public sealed record ShippingQuote(string ShipmentId, string Carrier, decimal Cost, int Days);

public sealed record Label(string ShipmentId, string TrackingNumber, string Carrier);

/// <summary>Shipping: records, <c>with</c>, switch expressions and property patterns; the carrier call is a step.</summary>
[Service("Shipping")]
public sealed partial class ShippingService(HttpClient http)
{
    [Handler]
    public Task<ShippingQuote> QuoteAsync(Shipment shipment)
    {
        var quote = shipment switch
        {
            Digital d => new ShippingQuote(d.Id, "none", 0m, 0),
            Parcel { WeightKg: <= 2m } p => new ShippingQuote(p.Id, "post", 4.90m, 3),
            Parcel p => new ShippingQuote(p.Id, "courier", 9.90m + p.WeightKg * 0.5m, 2),
            Freight { Hazardous: true } f => new ShippingQuote(f.Id, "hazmat-freight", 250m * f.Pallets, 7),
            Freight f => new ShippingQuote(f.Id, "freight", 120m * f.Pallets, 5),
            _ => throw new TerminalException($"Unsupported shipment {shipment.GetType().Name}.", 400),
        };
        return Task.FromResult(shipment.Destination.EndsWith(", CH", StringComparison.Ordinal) ? quote with { Days = quote.Days + 1 } : quote);
    }

    [Handler]
    public async Task<Label> CreateLabelAsync(IContext ctx, Shipment shipment)
    {
        var quote = await QuoteAsync(shipment);
        if (quote.Carrier == "none")
        {
            return new Label(shipment.Id, "", quote.Carrier);
        }

        var tracking = await ctx.RunAsync("label:" + quote.Carrier, async ct =>
        {
            using var response = await http.PostAsync($"https://{quote.Carrier}.carriers.example/labels?ref={Uri.EscapeDataString(shipment.Id)}", null, ct);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadAsStringAsync(ct)).Trim();
        });
        return new Label(shipment.Id, tracking, quote.Carrier);
    }

    [Handler]
    public async Task<IReadOnlyList<Label>> CreateLabelsAsync(IContext ctx, IReadOnlyList<Shipment> shipments)
    {
        var labels = new List<Label>();
        foreach (var shipment in shipments.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            labels.Add(await CreateLabelAsync(ctx, shipment));
        }

        return labels;
    }

    [Handler]
    public async Task<string> TrackAsync(IContext ctx, Label label)
    {
        if (label is { TrackingNumber: "" } or { Carrier: "none" })
        {
            return "nothing to track";
        }

        var status = await ctx.RunAsync("track", ct => http.GetStringAsync($"https://{label.Carrier}.carriers.example/track/{label.TrackingNumber}", ct));
        return status switch
        {
            "delivered" => $"{label.ShipmentId} was delivered",
            "in-transit" or "out-for-delivery" => $"{label.ShipmentId} is on its way",
            var other => $"{label.ShipmentId}: {other}",
        };
    }
}

[JsonSerializable(typeof(Shipment))]
[JsonSerializable(typeof(ShippingQuote))]
[JsonSerializable(typeof(Label))]
[JsonSerializable(typeof(IReadOnlyList<Shipment>))]
[JsonSerializable(typeof(IReadOnlyList<Label>))]
internal sealed partial class ShippingJson : JsonSerializerContext;
