namespace DurableAgents.Analyzers.JournalLock;

/// <summary>Keys of the DA4xxx diagnostics' properties (read by the code fixes).</summary>
internal static class JournalProperties
{
    public const string Reason = "Reason";
    public const string Locked = "Locked";
    public const string Current = "Current";
    public const string Handler = "Handler";
}
