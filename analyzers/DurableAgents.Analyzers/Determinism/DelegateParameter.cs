using System;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>A delegate parameter of a method or local function (by its definition and ordinal), as a dictionary key.</summary>
internal readonly struct DelegateParameter : IEquatable<DelegateParameter>
{
    public DelegateParameter(IMethodSymbol method, int ordinal)
    {
        Method = method;
        Ordinal = ordinal;
    }

    public IMethodSymbol Method { get; }

    public int Ordinal { get; }

    public bool Equals(DelegateParameter other) =>
        Ordinal == other.Ordinal && SymbolEqualityComparer.Default.Equals(Method, other.Method);

    public override bool Equals(object? obj) => obj is DelegateParameter other && Equals(other);

    public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Method) * 397) ^ Ordinal;
}
