using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Corpus.Notifications;

public sealed record Notification(string Recipient, string Subject, string Body, NotificationChannel Channel);

[JsonConverter(typeof(JsonStringEnumConverter<NotificationChannel>))]
public enum NotificationChannel
{
    Email,
    Sms,
    Push,
}

public sealed record Broadcast(IReadOnlyList<string> Recipients, string Subject, string Body);

public sealed record BroadcastResult(int Sent, int Failed);

/// <summary>Notifications: settings from IConfiguration are read inside steps (so a changed setting cannot change a replay).</summary>
[Service("Notifications")]
public sealed partial class NotificationService(IConfiguration configuration, IHttpClientFactory httpClients, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Corpus.Notifications");

    [Handler]
    public async Task<string> SendAsync(IContext ctx, Notification notification)
    {
        var log = _logger.ReplayAware(ctx);
        log.LogInformation("Sending {Channel} notification to {Recipient}", notification.Channel, notification.Recipient);
        return await ctx.RunAsync("send:" + notification.Channel, async ct =>
        {
            var endpoint = notification.Channel switch
            {
                NotificationChannel.Email => configuration["Notifications:EmailEndpoint"],
                NotificationChannel.Sms => configuration["Notifications:SmsEndpoint"],
                _ => configuration["Notifications:PushEndpoint"],
            } ?? throw new TerminalException($"No endpoint configured for {notification.Channel}.", 500);
            var http = httpClients.CreateClient("notifications");
            using var response = await http.PostAsJsonAsync(endpoint, notification, NotificationsJson.Default.Notification, ct);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync(ct);
        });
    }

    [Handler]
    public async Task<BroadcastResult> BroadcastAsync(IContext ctx, Broadcast broadcast)
    {
        var batchSize = await ctx.RunAsync("batch-size", _ => Task.FromResult(int.TryParse(configuration["Notifications:BatchSize"], out var n) && n > 0 ? n : 50));
        var sent = 0;
        var failed = 0;
        foreach (var (batch, index) in broadcast.Recipients.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(batchSize).Select((b, i) => (b, i)))
        {
            var delivered = await ctx.RunAsync("batch-" + index, async ct =>
            {
                var http = httpClients.CreateClient("notifications");
                using var response = await http.PostAsJsonAsync(configuration["Notifications:EmailEndpoint"] + "/bulk", new { to = batch, broadcast.Subject, broadcast.Body }, ct);
                return response.IsSuccessStatusCode;
            });
            (sent, failed) = delivered ? (sent + batch.Length, failed) : (sent, failed + batch.Length);
        }

        return new BroadcastResult(sent, failed);
    }

    [Handler]
    public async Task<bool> IsQuietHoursAsync(IContext ctx, string timeZoneId)
    {
        var now = await ctx.NowAsync();
        // Time-zone rules come from the machine's tz database, which may differ between hosts: decide in a step.
        return await ctx.RunAsync("quiet-hours", _ =>
        {
            var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));
            return Task.FromResult(local.Hour is >= 22 or < 7);
        });
    }
}

[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(Broadcast))]
[JsonSerializable(typeof(BroadcastResult))]
internal sealed partial class NotificationsJson : JsonSerializerContext;
