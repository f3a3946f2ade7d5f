namespace DurableAgents;

/// <summary>
/// A failure that must not be retried. Thrown from a handler it becomes the invocation's failed output (the caller
/// sees <see cref="Code"/>); thrown inside <c>RunAsync</c> it is journaled, so a replay throws it again.
/// </summary>
public class TerminalException : Exception
{
    public const ushort DefaultCode = 500;

    public TerminalException(string message, ushort code = DefaultCode) : base(message) => Code = code;

    public TerminalException(string message, ushort code, Exception? innerException) : base(message, innerException) => Code = code;

    /// <summary>The failure code (HTTP-like: 4xx for caller mistakes, 409 for cancellation, 500 by default).</summary>
    public ushort Code { get; }

    /// <summary>Optional key/value details sent with the failure.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
