using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Context;

/// <summary>Compares (symbol, syntax tree) keys with <see cref="SymbolEqualityComparer.Default"/> for the symbol.</summary>
internal sealed class MemberAndTreeComparer : IEqualityComparer<(ISymbol Member, SyntaxTree Tree)>
{
    public static MemberAndTreeComparer Instance { get; } = new();

    public bool Equals((ISymbol Member, SyntaxTree Tree) x, (ISymbol Member, SyntaxTree Tree) y) =>
        SymbolEqualityComparer.Default.Equals(x.Member, y.Member) && x.Tree == y.Tree;

    public int GetHashCode((ISymbol Member, SyntaxTree Tree) obj) =>
        (SymbolEqualityComparer.Default.GetHashCode(obj.Member) * 397) ^ obj.Tree.GetHashCode();
}
