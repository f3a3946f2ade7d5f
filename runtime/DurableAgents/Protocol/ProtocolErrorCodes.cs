namespace DurableAgents.Protocol;

/// <summary>Protocol error codes sent in <c>ErrorMessage.code</c>.</summary>
public static class ProtocolErrorCodes
{
    public const ushort InternalError = 500;
    public const ushort JournalMismatch = 570;
    public const ushort ProtocolViolation = 571;
    public const ushort Cancelled = 409;
    public const ushort BadRequest = 400;
}
