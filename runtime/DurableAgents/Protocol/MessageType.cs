namespace DurableAgents.Protocol;

/// <summary>Service-protocol message type ids (the u16 in the frame header).</summary>
public enum MessageType : ushort
{
    Start = 0x0000,
    Suspension = 0x0001,
    Error = 0x0002,
    End = 0x0003,
    CommandAck = 0x0004,
    ProposeRunCompletion = 0x0005,

    InputCommand = 0x0400,
    OutputCommand = 0x0401,
    GetLazyStateCommand = 0x0402,
    SetStateCommand = 0x0403,
    ClearStateCommand = 0x0404,
    ClearAllStateCommand = 0x0405,
    GetLazyStateKeysCommand = 0x0406,
    GetEagerStateCommand = 0x0407,
    GetEagerStateKeysCommand = 0x0408,
    GetPromiseCommand = 0x0409,
    PeekPromiseCommand = 0x040A,
    CompletePromiseCommand = 0x040B,
    SleepCommand = 0x040C,
    CallCommand = 0x040D,
    OneWayCallCommand = 0x040E,
    SendSignalCommand = 0x0410,
    RunCommand = 0x0411,
    AttachInvocationCommand = 0x0412,
    GetInvocationOutputCommand = 0x0413,
    CompleteAwakeableCommand = 0x0414,

    GetLazyStateCompletion = 0x8002,
    GetLazyStateKeysCompletion = 0x8006,
    GetPromiseCompletion = 0x8009,
    PeekPromiseCompletion = 0x800A,
    CompletePromiseCompletion = 0x800B,
    SleepCompletion = 0x800C,
    CallCompletion = 0x800D,
    CallInvocationIdCompletion = 0x800E,
    RunCompletion = 0x8011,
    AttachInvocationCompletion = 0x8012,
    GetInvocationOutputCompletion = 0x8013,
    SignalNotification = 0xFBFF,
}

/// <summary>Classification of message type ids.</summary>
public static class MessageTypes
{
    public static bool IsCommand(MessageType t) => (ushort)t is >= 0x0400 and <= 0x7FFF;

    public static bool IsNotification(MessageType t) => (ushort)t is >= 0x8000 and <= 0xFBFF;

    public static bool IsControl(MessageType t) => (ushort)t <= 0x03FF;

    /// <summary>A readable name, e.g. <c>RunCommand</c>, or the hex id for unknown types.</summary>
    public static string Name(MessageType t) => Enum.IsDefined(t) ? t.ToString() : $"0x{(ushort)t:X4}";
}

/// <summary>Protocol error codes sent in <c>ErrorMessage.code</c>.</summary>
public static class ProtocolErrorCodes
{
    public const ushort InternalError = 500;
    public const ushort JournalMismatch = 570;
    public const ushort ProtocolViolation = 571;
    public const ushort Cancelled = 409;
    public const ushort BadRequest = 400;
}
