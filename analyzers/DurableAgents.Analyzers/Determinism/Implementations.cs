using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// The overrides and interface implementations in this compilation of the virtual, abstract and interface methods
/// declared in it, recorded as each source type is analysed (no search of the compilation), so that a virtual or
/// interface call in durable code can be followed to the bodies it may run.
/// </summary>
internal sealed class Implementations
{
    private readonly ConcurrentDictionary<IMethodSymbol, ConcurrentBag<IMethodSymbol>> _collected = new(SymbolEqualityComparer.Default);
    private Dictionary<IMethodSymbol, List<IMethodSymbol>>? _frozen;

    /// <summary>Records what <paramref name="type"/> implements and overrides (a symbol action on every source type).</summary>
    public void Add(INamedTypeSymbol type)
    {
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
        {
            return;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (!IsInSource(@interface.OriginalDefinition))
            {
                continue;
            }

            foreach (var member in @interface.GetMembers())
            {
                if (member is IMethodSymbol { IsStatic: false } method
                    && type.FindImplementationForInterfaceMember(method) is IMethodSymbol implementation
                    && HasBody(implementation))
                {
                    Record(method, implementation);
                }
            }
        }

        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol { IsOverride: true } method || !HasBody(method))
            {
                continue;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (IsInSource(overridden))
                {
                    Record(overridden, method);
                }
            }
        }
    }

    /// <summary>
    /// The bodies a virtual or interface call to <paramref name="member"/> may run (not the member's own body), in source
    /// order. Call only once every type has been recorded (from the compilation-end action).
    /// </summary>
    public IReadOnlyList<IMethodSymbol> Of(IMethodSymbol member)
    {
        _frozen ??= _collected.ToDictionary(
            pair => pair.Key,
            pair => pair.Value
                .Distinct<IMethodSymbol>(SymbolEqualityComparer.Default)
                .OrderBy(m => m.Locations[0].SourceTree?.FilePath, System.StringComparer.Ordinal)
                .ThenBy(m => m.Locations[0].SourceSpan.Start)
                .ToList(),
            (IEqualityComparer<IMethodSymbol>)SymbolEqualityComparer.Default);
        return _frozen.TryGetValue(member, out var found) ? found : (IReadOnlyList<IMethodSymbol>)System.Array.Empty<IMethodSymbol>();
    }

    private void Record(IMethodSymbol member, IMethodSymbol implementation) =>
        _collected.GetOrAdd(BodyWalker.Normalize(member), _ => new ConcurrentBag<IMethodSymbol>()).Add(BodyWalker.Normalize(implementation));

    private static bool IsInSource(ISymbol symbol) => symbol.Locations.Length > 0 && symbol.Locations[0].IsInSource;

    private static bool HasBody(IMethodSymbol method) => !method.IsAbstract && IsInSource(method);
}
