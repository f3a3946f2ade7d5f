using System.Collections.Concurrent;

namespace DurableAgents.Tests.JournalLock;

/// <summary>
/// What the checkout versions' step bodies did, seen from the test: one event per executed step body (never for a
/// replayed step), and the awakeable id each order published for the test to resolve.
/// </summary>
internal static class CheckoutProbe
{
    public static ConcurrentQueue<string> Events { get; } = new();

    public static ConcurrentDictionary<string, string> Awakeables { get; } = new(StringComparer.Ordinal);

    public static void Reset()
    {
        Events.Clear();
        Awakeables.Clear();
    }

    /// <summary>Records that the step body <paramref name="what"/> executed and returns <paramref name="value"/>.</summary>
    public static Task<string> Step(string what, string value)
    {
        Events.Enqueue(what);
        return Task.FromResult(value);
    }

    /// <summary>Hands the awakeable of <paramref name="order"/> to the test (the "external system").</summary>
    public static Task<string> Publish(string what, string order, string awakeableId)
    {
        Events.Enqueue(what);
        Awakeables[order] = awakeableId;
        return Task.FromResult(awakeableId);
    }
}
