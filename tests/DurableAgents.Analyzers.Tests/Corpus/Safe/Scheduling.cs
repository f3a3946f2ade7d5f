using System.Globalization;
using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Scheduling;

public enum Shift
{
    Morning,
    Afternoon,
    Night,
}

public sealed record Roster(IReadOnlyDictionary<string, string> Assignments, string Seed);

public sealed record Holiday(DateOnly Date, string Name);

/// <summary>Rosters and calendars: step bodies as method groups and stored delegates, seeded randomness, enum loops.</summary>
[Service("Scheduling")]
public sealed partial class SchedulingService(HttpClient http, ILogger<SchedulingService> logger)
{
    [Handler]
    public async Task<Roster> AssignShiftsAsync(IContext ctx, IReadOnlyList<string> people)
    {
        // A seeded Random from the context's deterministic random: the same shuffle on every replay.
        var seed = ctx.Random.Next(int.MaxValue);
        var rng = new Random(seed);
        var shuffled = people.Order(StringComparer.Ordinal).ToArray();
        rng.Shuffle(shuffled);

        var shifts = Enum.GetValues<Shift>();
        var assignments = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shuffled.Length; i++)
        {
            assignments[shuffled[i]] = shifts[i % shifts.Length].ToString();
        }

        foreach (var shift in shifts)
        {
            var staffed = assignments.Count(a => a.Value == shift.ToString());
            await ctx.RunAsync("announce:" + shift, async ct =>
            {
                using var response = await http.PostAsync($"https://roster.example/shifts/{shift}?staff={staffed}", null, ct);
                response.EnsureSuccessStatusCode();
            });
        }

        return new Roster(assignments, seed.ToString(CultureInfo.InvariantCulture));
    }

    [Handler]
    public async Task<IReadOnlyList<Holiday>> HolidaysAsync(IContext ctx, int year)
    {
        // A step body given as a method group, with explicit JSON metadata for the journal entry.
        var holidays = await ctx.RunAsync("holidays", FetchHolidaysAsync, SchedulingJson.Default.ListHoliday);
        return holidays.Where(h => h.Date.Year == year).OrderBy(h => h.Date).ToList();
    }

    [Handler]
    public async Task<string> CalendarAsync(IContext ctx, string calendarId)
    {
        // A step body kept in a local and then handed to RunAsync.
        Func<CancellationToken, Task<string>> download = ct => http.GetStringAsync($"https://calendar.example/{calendarId}.ics", ct);
        var ics = await ctx.RunAsync("download", download);
        var events = ics.Split('\n').Count(l => l.StartsWith("BEGIN:VEVENT", StringComparison.Ordinal));
        logger.LogInformation("Calendar {Id} has {Events} events", calendarId, events);
        return $"{calendarId}: {events} events";
    }

    [Handler]
    public async Task<int> WarmCachesAsync(IContext ctx, IReadOnlyList<string> urls)
    {
        // Parallel work inside one step: only the count is journaled.
        return await ctx.RunAsync("warm", async ct =>
        {
            var warmed = 0;
            await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (url, token) =>
            {
                using var response = await http.GetAsync(url, token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref warmed);
                }
            });
            return warmed;
        });
    }

    private async Task<List<Holiday>> FetchHolidaysAsync(CancellationToken cancellationToken)
    {
        var csv = await http.GetStringAsync("https://calendar.example/holidays.csv", cancellationToken);
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(parts => new Holiday(DateOnly.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]))
            .ToList();
    }
}

[JsonSerializable(typeof(Roster))]
[JsonSerializable(typeof(List<Holiday>))]
[JsonSerializable(typeof(IReadOnlyList<Holiday>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SchedulingJson : JsonSerializerContext;
