using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Journal;

/// <summary>One difference between the current manifests and the lock file.</summary>
internal sealed class JournalFinding
{
    public JournalFinding(FindingKind kind, string handler, int step, string? locked, string? current, string reason, SyntaxNode? node, int lockLine)
    {
        Kind = kind;
        Handler = handler;
        Step = step;
        Locked = locked;
        Current = current;
        Reason = reason;
        Node = node;
        LockLine = lockLine;
    }

    public FindingKind Kind { get; }

    /// <summary>The handler key (<c>Orders/checkout</c>).</summary>
    public string Handler { get; }

    /// <summary>The 1-based position of the locked entry among the handler's entries (0 when not about a step).</summary>
    public int Step { get; }

    /// <summary>The locked line, or null.</summary>
    public string? Locked { get; }

    /// <summary>The current line, or null.</summary>
    public string? Current { get; }

    /// <summary>renamed, removed, reordered, kind changed, result contract changed, appended, new handler, ...</summary>
    public string Reason { get; }

    /// <summary>Where in the code (the new entry's syntax, or the handler's declaration); null for a removed handler.</summary>
    public SyntaxNode? Node { get; }

    /// <summary>The 0-based lock-file line this is about, or -1.</summary>
    public int LockLine { get; }
}
