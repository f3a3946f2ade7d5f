using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// The journal shape of one handler (<c>handler Greeter/greet</c>) or agent run (<c>agent Weather/run</c>): its
/// ordered lines. Computed from code (<see cref="ManifestBuilder"/>) or parsed from the lock file (<see cref="LockFile"/>).
/// </summary>
internal sealed class HandlerManifest
{
    public HandlerManifest(string kind, string key, ImmutableArray<JournalLine> lines, SyntaxNode? declaration = null, int lineNumber = -1, ImmutableArray<SyntaxNode> nonConstantNames = default)
    {
        Kind = kind;
        Key = key;
        Lines = lines;
        Declaration = declaration;
        LineNumber = lineNumber;
        NonConstantNames = nonConstantNames.IsDefault ? ImmutableArray<SyntaxNode>.Empty : nonConstantNames;
    }

    /// <summary><c>handler</c> or <c>agent</c>.</summary>
    public string Kind { get; }

    /// <summary><c>Service/handler</c>, the sort key of the lock file.</summary>
    public string Key { get; }

    public ImmutableArray<JournalLine> Lines { get; }

    /// <summary>The handler method (or agent class) declaration; null for parsed lock entries.</summary>
    public SyntaxNode? Declaration { get; }

    /// <summary>The 0-based line of the header in the lock file; -1 for computed manifests.</summary>
    public int LineNumber { get; }

    /// <summary>Step-name expressions that are not compile-time constants (DA4004).</summary>
    public ImmutableArray<SyntaxNode> NonConstantNames { get; }

    /// <summary>The header line: <c>handler Greeter/greet</c>.</summary>
    public string Header => Kind + " " + Key;
}
