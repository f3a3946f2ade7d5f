namespace DurableAgents;

/// <summary>The invocation was cancelled (code 409). A terminal failure.</summary>
public sealed class CancelledException : TerminalException
{
    public CancelledException() : base("Cancelled", 409) { }
}
