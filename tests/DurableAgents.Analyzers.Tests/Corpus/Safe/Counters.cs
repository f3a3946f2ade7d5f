using System.Text.Json.Serialization;
using DurableAgents;

namespace Corpus.Counters;

public sealed record CounterSnapshot(string Name, long Value, IReadOnlyList<string> Keys);

/// <summary>A named counter with a high-water mark; the state keys are listed in order.</summary>
[VirtualObject("Counter")]
public static partial class Counter
{
    private const string ValueKey = "value";
    private const string MaxKey = "max";

    [Handler]
    public static async Task<long> AddAsync(IObjectContext ctx, long delta)
    {
        var value = await ctx.GetAsync(ValueKey, CountersJson.Default.Int64) + delta;
        ctx.Set(ValueKey, value, CountersJson.Default.Int64);
        var max = await ctx.TryGetAsync(MaxKey, CountersJson.Default.Int64);
        if (!max.Exists || value > max.Value)
        {
            ctx.Set(MaxKey, value, CountersJson.Default.Int64);
        }

        return value;
    }

    [Handler]
    public static Task ResetAsync(IObjectContext ctx)
    {
        ctx.Clear(ValueKey);
        return Task.CompletedTask;
    }

    [SharedHandler]
    public static async Task<long> GetAsync(ISharedObjectContext ctx) => await ctx.GetAsync(ValueKey, CountersJson.Default.Int64);

    [SharedHandler]
    public static async Task<CounterSnapshot> SnapshotAsync(ISharedObjectContext ctx)
    {
        var keys = await ctx.GetStateKeysAsync();
        var value = await ctx.GetAsync(ValueKey, CountersJson.Default.Int64);
        return new CounterSnapshot(ctx.Key, value, keys.Order(StringComparer.Ordinal).ToList());
    }
}

[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(CounterSnapshot))]
internal sealed partial class CountersJson : JsonSerializerContext;
