using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Payments;

public sealed record PaymentRequest(string OrderId, decimal Amount, string Currency);

public sealed record PaymentOutcome(string OrderId, bool Succeeded, string? ProviderReference, string? Error);

public sealed record ProviderCallback(string AwakeableId, bool Succeeded, string Reference, string? Error);

public enum PaymentStatus
{
    Pending,
    Captured,
    Failed,
}

/// <summary>
/// Card payments with an asynchronous provider: the handler hands the provider an awakeable id (in a step) and
/// suspends until the provider's webhook resolves it.
/// </summary>
[Service("Payments")]
public sealed partial class PaymentService(HttpClient http, ILogger<PaymentService> logger)
{
    private static readonly RunOptions ProviderRetries = new()
    {
        RetryPolicy = RetryPolicy.Exponential(TimeSpan.FromMilliseconds(500), 2.0, TimeSpan.FromSeconds(10), maxAttempts: 5),
    };

    [Handler]
    public async Task<PaymentOutcome> PayAsync(IContext ctx, PaymentRequest request)
    {
        var callback = ctx.Awakeable(PaymentsJson.Default.ProviderCallback);
        await ctx.RunAsync("start-payment", async ct =>
        {
            using var response = await http.PostAsJsonAsync(
                "https://psp.example/payments",
                new { request.OrderId, request.Amount, request.Currency, callbackId = callback.Id },
                ct);
            response.EnsureSuccessStatusCode();
        }, ProviderRetries);

        var result = await callback;
        logger.LogInformation("Payment for {OrderId}: {Outcome}", request.OrderId, result.Succeeded ? "captured" : "failed");
        return new PaymentOutcome(request.OrderId, result.Succeeded, result.Reference, result.Error);
    }

    [Handler]
    public Task CompleteAsync(IContext ctx, ProviderCallback callback)
    {
        // The provider's webhook: hand the outcome to the waiting payment.
        if (callback.Succeeded)
        {
            ctx.ResolveAwakeable(callback.AwakeableId, callback, PaymentsJson.Default.ProviderCallback);
        }
        else
        {
            ctx.RejectAwakeable(callback.AwakeableId, callback.Error ?? "declined", 402);
        }

        return Task.CompletedTask;
    }

    [Handler]
    public async Task<PaymentStatus> StatusAsync(IContext ctx, string orderId)
    {
        var raw = await ctx.RunAsync("query-status", ct => http.GetStringAsync("https://psp.example/payments/" + Uri.EscapeDataString(orderId), ct));
        return raw.Trim() switch
        {
            "captured" or "settled" => PaymentStatus.Captured,
            "failed" or "declined" => PaymentStatus.Failed,
            _ => PaymentStatus.Pending,
        };
    }

    [Handler]
    public async Task<PaymentOutcome> PayWithFallbackAsync(IContext ctx, PaymentRequest request)
    {
        // Saga: try the primary provider; on a terminal failure fall back to the secondary one, else report it.
        try
        {
            var reference = await ctx.RunAsync("primary", async ct =>
            {
                using var response = await http.PostAsJsonAsync("https://primary-psp.example/charge", request, ct);
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    throw new TerminalException("primary declined: " + response.StatusCode, (ushort)response.StatusCode);
                }

                response.EnsureSuccessStatusCode();
                return await response.Content.ReadAsStringAsync(ct);
            });
            return new PaymentOutcome(request.OrderId, true, reference, null);
        }
        catch (TerminalException primaryFailure) when (primaryFailure is not CancelledException)
        {
            logger.LogWarning("Primary provider declined {OrderId}: {Reason}", request.OrderId, primaryFailure.Message);
            try
            {
                var reference = await ctx.RunAsync("secondary", async ct =>
                {
                    using var response = await http.PostAsJsonAsync("https://secondary-psp.example/charge", request, ct);
                    response.EnsureSuccessStatusCode();
                    return await response.Content.ReadAsStringAsync(ct);
                }, new RunOptions { RetryPolicy = RetryPolicy.Exponential(TimeSpan.FromSeconds(1), maxAttempts: 3) });
                return new PaymentOutcome(request.OrderId, true, reference, null);
            }
            catch (TerminalException secondaryFailure) when (secondaryFailure is not CancelledException)
            {
                return new PaymentOutcome(request.OrderId, false, null, $"{primaryFailure.Message}; {secondaryFailure.Message}");
            }
        }
    }
}

[JsonSerializable(typeof(PaymentRequest))]
[JsonSerializable(typeof(PaymentOutcome))]
[JsonSerializable(typeof(ProviderCallback))]
[JsonSerializable(typeof(PaymentStatus))]
internal sealed partial class PaymentsJson : JsonSerializerContext;
