namespace DurableAgents.Protocol;

/// <summary>Classification of message type ids.</summary>
public static class MessageTypes
{
    public static bool IsCommand(MessageType t) => (ushort)t is >= 0x0400 and <= 0x7FFF;

    public static bool IsNotification(MessageType t) => (ushort)t is >= 0x8000 and <= 0xFBFF;

    public static bool IsControl(MessageType t) => (ushort)t <= 0x03FF;

    /// <summary>A readable name, e.g. <c>RunCommand</c>, or the hex id for unknown types.</summary>
    public static string Name(MessageType t) => Enum.IsDefined(t) ? t.ToString() : $"0x{(ushort)t:X4}";
}
