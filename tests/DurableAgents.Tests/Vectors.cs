using System.Buffers;
using DurableAgents.Protocol;
using Google.Protobuf;

namespace DurableAgents.Tests;

/// <summary>Captured wire bytes from restate-server 1.7.12 (copied from shared/restate/vectors).</summary>
internal static class Vectors
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors");

    public static byte[] Read(string file) => Convert.FromHexString(File.ReadAllText(Path.Combine(Directory, file)).Trim());

    public static IEnumerable<string> Files(string pattern) => System.IO.Directory.GetFiles(Directory, pattern).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static List<(FrameHeader Header, IMessage Message)> Frames(byte[] bytes)
    {
        var list = new List<(FrameHeader, IMessage)>();
        var seq = new ReadOnlySequence<byte>(bytes);
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            list.Add((header, FrameCodec.Decode(header.Type, payload)));
        }

        Assert.That(seq.Length, Is.Zero, "trailing bytes after the last frame");
        return list;
    }
}
