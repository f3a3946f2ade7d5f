using DurableAgents.Protocol;
using Google.Protobuf;

namespace DurableAgents.Internal;

// A long journal is held in chunks: no array of these tables reaches the large-object heap (85,000 bytes), where every
// allocation counts toward a full (gen2) collection. With one List and one Dictionary, replaying 10,000 entries
// allocated large arrays on each growth step and cost 2x more per entry than replaying 1,000 (benchmarks.md, hot spot 7).

/// <summary>The recorded commands of a journal, in order; each is released once replayed.</summary>
internal sealed class ReplayCommands
{
    private const int ChunkBits = 10; // 1,024 entries of 16 bytes: 16 KiB per chunk
    private const int ChunkSize = 1 << ChunkBits;

    private readonly List<(MessageType Type, IMessage? Message)[]> _chunks = [];

    public int Count { get; private set; }

    public void Add(MessageType type, IMessage message)
    {
        if ((Count & (ChunkSize - 1)) == 0)
        {
            _chunks.Add(new (MessageType, IMessage?)[Count == 0 ? 16 : ChunkSize]);
        }
        else if (Count < ChunkSize && Count == _chunks[0].Length)
        {
            // the first chunk starts small (most journals are short) and doubles up to the chunk size
            var first = _chunks[0];
            Array.Resize(ref first, first.Length * 2);
            _chunks[0] = first;
        }

        _chunks[Count >> ChunkBits][Count & (ChunkSize - 1)] = (type, message);
        Count++;
    }

    /// <summary>The type of the command at <paramref name="index"/> (also after it was taken).</summary>
    public MessageType TypeAt(int index) => _chunks[index >> ChunkBits][index & (ChunkSize - 1)].Type;

    /// <summary>The command at <paramref name="index"/>, still held.</summary>
    public IMessage MessageAt(int index) => _chunks[index >> ChunkBits][index & (ChunkSize - 1)].Message
                                            ?? throw new InvalidOperationException($"recorded command {index} was already replayed");

    /// <summary>Drops the table's reference to the command at <paramref name="index"/> (it has been replayed).</summary>
    public void Release(int index) => _chunks[index >> ChunkBits][index & (ChunkSize - 1)].Message = null;
}

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
