using DurableAgents.Protocol;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>Slots by id (completion ids or signal ids), created on first use.</summary>
internal sealed class SlotTable(SlotKind kind)
{
    // Ids are handed out in sequence. Ids below 512 (every short journal) live in one array that grows by doubling from
    // 16; higher ids in chunks of 512 consecutive ids, found through a small dictionary of chunks. A stray large id from
    // the wire costs one 4 KiB chunk, not a huge array.
    private const int ChunkBits = 9;
    private const uint ChunkSize = 1u << ChunkBits;
    private const uint ChunkMask = ChunkSize - 1;

    private Slot?[] _low = [];
    private Dictionary<uint, Slot?[]>? _high;
    private uint _lastKey;
    private Slot?[]? _last;

    public Slot GetOrCreate(uint id)
    {
        if (id < ChunkSize)
        {
            if (id >= (uint)_low.Length)
            {
                Array.Resize(ref _low, (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2(id + 1)));
            }

            return _low[id] ??= new Slot(kind, id, null);
        }

        var key = id >> ChunkBits;
        var chunk = _last;
        if (key != _lastKey || chunk is null)
        {
            _high ??= [];
            if (!_high.TryGetValue(key, out chunk))
            {
                chunk = new Slot?[ChunkSize];
                _high[key] = chunk;
            }

            _lastKey = key;
            _last = chunk;
        }

        return chunk[id & ChunkMask] ??= new Slot(kind, id, null);
    }
}
