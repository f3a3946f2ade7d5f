using System.Globalization;
using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Reminders;

public sealed record Reminder(string UserId, string Text, TimeSpan Delay);

public sealed record ReminderReceipt(string ReminderId, DateTimeOffset DueAt);

public sealed record Backoff(string Url, int Attempts);

/// <summary>Reminders and polling: durable timers and delayed sends instead of in-process delays.</summary>
[Service("Reminders")]
public sealed partial class ReminderService(HttpClient http)
{
    [Handler]
    public async Task<ReminderReceipt> ScheduleAsync(IContext ctx, Reminder reminder)
    {
        var id = ctx.NewGuid().ToString("N");
        var now = await ctx.NowAsync();
        ctx.Send(
            CallTarget.ForService("Reminders", "deliver"),
            reminder with { Text = $"[{id[..8]}] {reminder.Text}" },
            RemindersJson.Default.Reminder,
            new SendOptions { Delay = reminder.Delay, IdempotencyKey = id });
        return new ReminderReceipt(id, now + reminder.Delay);
    }

    [Handler]
    public async Task DeliverAsync(IContext ctx, Reminder reminder)
    {
        ctx.Logger.LogInformation("Delivering a reminder to {User}", reminder.UserId);
        await ctx.RunAsync("push", async ct =>
        {
            using var response = await http.PostAsync(
                "https://push.example/users/" + Uri.EscapeDataString(reminder.UserId),
                new StringContent(reminder.Text),
                ct);
            response.EnsureSuccessStatusCode();
        });
    }

    [Handler]
    public async Task<bool> WaitUntilReadyAsync(IContext ctx, Backoff backoff)
    {
        // Poll with a durable sleep between attempts: a crash resumes at the attempt it was on.
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; attempt <= backoff.Attempts; attempt++)
        {
            var ready = await ctx.RunAsync("probe-" + attempt.ToString(CultureInfo.InvariantCulture), async ct =>
            {
                using var response = await http.GetAsync(backoff.Url, ct);
                return response.IsSuccessStatusCode;
            });
            if (ready)
            {
                return true;
            }

            await ctx.SleepAsync(delay, "backoff-" + attempt.ToString(CultureInfo.InvariantCulture));
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
        }

        return false;
    }

    [Handler]
    public async Task<string> JitteredRetryAsync(IContext ctx, string url)
    {
        // Jitter from the context's deterministic random: the same on replay.
        var jitter = TimeSpan.FromMilliseconds(ctx.Random.Next(0, 500));
        await ctx.SleepAsync(TimeSpan.FromSeconds(2) + jitter);
        return await ctx.RunAsync("fetch", ct => http.GetStringAsync(url, ct));
    }
}

[JsonSerializable(typeof(Reminder))]
[JsonSerializable(typeof(ReminderReceipt))]
[JsonSerializable(typeof(Backoff))]
internal sealed partial class RemindersJson : JsonSerializerContext;
