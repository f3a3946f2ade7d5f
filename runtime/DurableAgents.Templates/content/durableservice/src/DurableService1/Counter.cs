using System.Text.Json.Serialization;
using DurableAgents;

namespace DurableService1;

/// <summary>
/// A Restate Virtual Object: one instance per key with durable state; exclusive handlers run one at a time per key,
/// shared handlers read concurrently. Call it with <c>POST {ingress}/Counter/{key}/add</c> and a number.
/// </summary>
[VirtualObject]
public sealed partial class Counter
{
    private const string Total = "total";

    /// <summary>Adds <paramref name="amount"/> to the key's total and returns the new total.</summary>
    [Handler]
    public static async Task<long> AddAsync(IObjectContext context, long amount)
    {
        var total = await context.GetAsync<long>(Total) + amount;
        context.Set(Total, total);
        return total;
    }

    /// <summary>The key's total (0 when nothing was added).</summary>
    [SharedHandler]
    public static async Task<long> GetAsync(ISharedObjectContext context) => await context.GetAsync<long>(Total);
}

/// <summary>System.Text.Json metadata for the handler types.</summary>
[JsonSerializable(typeof(long))]
internal sealed partial class CounterJson : JsonSerializerContext;
