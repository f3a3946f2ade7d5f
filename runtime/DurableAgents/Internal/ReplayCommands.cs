using DurableAgents.Protocol;
using Google.Protobuf;

namespace DurableAgents.Internal;

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
