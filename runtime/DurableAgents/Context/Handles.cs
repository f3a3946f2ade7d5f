using DurableAgents.Internal;

namespace DurableAgents;

/// <summary>An awakeable: hand <see cref="Id"/> to another system, which completes it through the ingress (or another handler).</summary>
public sealed class Awakeable<T>
{
    internal Awakeable(string id, DurableFuture<T> value)
    {
        Id = id;
        Value = value;
    }

    /// <summary>The awakeable id (<c>sign_1…</c>).</summary>
    public string Id { get; }

    /// <summary>Completes with the value (or failure) the awakeable is completed with.</summary>
    public DurableFuture<T> Value { get; }

    public DurableAwaiter<T> GetAwaiter() => Value.GetAwaiter();
}

/// <summary>A one-way call that was sent: its invocation id is available once Restate accepted it.</summary>
public sealed class InvocationHandle
{
    internal InvocationHandle(DurableFuture<string> invocationId) => InvocationId = invocationId;

    /// <summary>The callee's invocation id (usable with <see cref="IContext.CancelInvocation"/> or attach).</summary>
    public DurableFuture<string> InvocationId { get; }
}

/// <summary>A named durable promise of a Workflow (survives restarts; completed once).</summary>
public sealed class DurablePromise<T>
{
    private readonly InvocationPromises _context;
    private readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> _typeInfo;

    internal DurablePromise(InvocationPromises context, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        _context = context;
        Name = name;
        _typeInfo = typeInfo;
    }

    public string Name { get; }

    /// <summary>Waits for the promise's value (or failure).</summary>
    public DurableFuture<T> GetAsync() => _context.PromiseGet(Name, _typeInfo);

    /// <summary>The value if already completed, without waiting.</summary>
    public DurableFuture<StateValue<T>> PeekAsync() => _context.PromisePeek(Name, _typeInfo);

    /// <summary>Completes the promise with a value; fails if it was already completed.</summary>
    public DurableFuture ResolveAsync(T value) => _context.PromiseComplete(Name, value, _typeInfo, null);

    /// <summary>Completes the promise with a failure; fails if it was already completed.</summary>
    public DurableFuture RejectAsync(string reason, ushort code = 500) => _context.PromiseComplete(Name, default!, _typeInfo, new TerminalException(reason, code));

    public DurableAwaiter<T> GetAwaiter() => GetAsync().GetAwaiter();
}

/// <summary>
/// A deterministic random source seeded from the invocation: every replay sees the same sequence. Not for
/// cryptography. (xoshiro256** seeded with splitmix64.)
/// </summary>
public sealed class DurableRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DurableRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => Next(0, maxExclusive);

    /// <summary>An integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minInclusive, maxExclusive);
        var range = (ulong)((long)maxExclusive - minInclusive);
        return range == 0 ? minInclusive : (int)(minInclusive + (long)(NextUInt64() % range));
    }

    public void NextBytes(Span<byte> buffer)
    {
        var i = 0;
        while (i < buffer.Length)
        {
            var v = NextUInt64();
            for (var b = 0; b < 8 && i < buffer.Length; b++, i++)
            {
                buffer[i] = (byte)(v >> (8 * b));
            }
        }
    }

    /// <summary>A version-4 GUID from this sequence.</summary>
    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (little-endian field layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
