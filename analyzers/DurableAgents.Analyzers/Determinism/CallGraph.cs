using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// A non-deterministic API use found in durable code (outside any step). A method group of a library method passed to
/// a method of this compilation is conditional, like an <see cref="Edge"/>: it is not a violation if that method runs the
/// parameter in a step.
/// </summary>
internal sealed record Violation(DiagnosticDescriptor Descriptor, Location Location, string Api, string? Extra, IMethodSymbol? UnlessStepParameterOf = null, int Ordinal = -1);

/// <summary>
/// An edge of the durable call graph: the caller runs <see cref="Target"/> outside a step. When the delegate is passed
/// to a method of this compilation, the edge is conditional: it does not exist if that method hands the parameter to
/// <c>RunAsync</c> (a step wrapper). A <see cref="Virtual"/> edge is a virtual or interface call: it also reaches the
/// overrides and implementations of <see cref="Target"/> in this compilation.
/// </summary>
internal readonly record struct Edge(ISymbol Target, IMethodSymbol? UnlessStepParameterOf, int Ordinal, bool Virtual = false);

/// <summary>
/// A node of the durable call graph: a method, a local function, or a delegate (a lambda stored in a local or passed
/// to a method), with the violations in its own body and the code it runs outside steps.
/// </summary>
internal sealed class Node
{
    public Node(ISymbol symbol, string display)
    {
        Symbol = symbol;
        Display = display;
    }

    public ISymbol Symbol { get; }

    /// <summary>How the node appears in a call chain: <c>Helper.Stamp</c>, <c>Local</c>, <c>lambda in Helper.Map</c>.</summary>
    public string Display { get; }

    public List<Violation> Violations { get; } = new();

    /// <summary>Violations that depend on facts known only once every body has been analyzed (reported at compilation end).</summary>
    public List<DeferredViolation> Deferred { get; } = new();

    /// <summary>True if the body itself issues a durable operation (a context call, a durable future, an await of one).</summary>
    public bool IssuesDurableOperations { get; set; }

    public List<Edge> Edges { get; } = new();
}
