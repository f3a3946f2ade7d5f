using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// One line of a journal manifest: a journal entry (<c>run "charge" -> Receipt@77aa0012</c>) or a structure keyword
/// (<c>if</c>, <c>else</c>, <c>loop</c>, <c>patch "id"</c>, <c>end</c>), at a block depth (0 = the handler's top level).
/// </summary>
/// <remarks>
/// Not a pipeline model: the generator keeps only <see cref="Text"/> and <see cref="Depth"/> (as formatted strings).
/// <see cref="Node"/> is the code that produced the entry (the analyzer's location) and <see cref="LineNumber"/> the
/// 0-based line of a parsed lock file; each is absent on the other side.
/// </remarks>
internal sealed class JournalLine
{
    public JournalLine(int depth, string text, SyntaxNode? node = null, int lineNumber = -1)
    {
        Depth = depth;
        Text = text;
        Node = node;
        LineNumber = lineNumber;
    }

    /// <summary>The block depth (0 = top level of the handler).</summary>
    public int Depth { get; }

    /// <summary>The entry as written in the lock file, without indentation.</summary>
    public string Text { get; }

    /// <summary>The invocation (or statement) that produces the entry; null for parsed lock lines.</summary>
    public SyntaxNode? Node { get; }

    /// <summary>The 0-based line in the lock file; -1 for computed lines.</summary>
    public int LineNumber { get; }

    /// <summary>Whether the line is a structure keyword rather than a journal entry.</summary>
    public bool IsStructure => Text == "if" || Text == "else" || Text == "loop" || Text == "end" || Text.StartsWith("patch ", System.StringComparison.Ordinal);

    /// <summary>Whether the line describes an agent tool (<c>tool name(args) -> T@hash</c>).</summary>
    public bool IsTool => Depth == 0 && Text.StartsWith("tool ", System.StringComparison.Ordinal);

    public bool SameAs(JournalLine other) => Depth == other.Depth && Text == other.Text;

    public override string ToString() => new string(' ', 2 * Depth) + Text;
}
