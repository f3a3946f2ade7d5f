using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// Sequences enumerated in hash order (DA2012): a <c>Dictionary</c>, <c>HashSet</c>, <c>ConcurrentDictionary</c>... its
/// <c>Keys</c>/<c>Values</c>, and LINQ queries or copies (<c>ToList()</c>, <c>new List&lt;T&gt;(set)</c>) over them that
/// keep that order. An <c>OrderBy</c>/<c>Order</c> anywhere in the query makes the order deterministic.
/// </summary>
internal static class HashOrder
{
    /// <summary>The hash-ordered collection type <paramref name="sequence"/> enumerates in the order of, or null.</summary>
    public static INamedTypeSymbol? Source(IOperation sequence)
    {
        var current = sequence;
        for (var guard = 0; guard < 32; guard++)
        {
            current = OperationHelpers.WalkDownConversion(current);
            if (current is IPropertyReferenceOperation { Property.Name: "Keys" or "Values", Instance: { } owner } && HashOrderedType(owner.Type) is { } ownerType)
            {
                return ownerType;
            }

            if (HashOrderedType(current.Type) is { } type)
            {
                return type;
            }

            switch (current)
            {
                case IInvocationOperation invocation when IsQueryOperator(invocation.TargetMethod):
                    if (invocation.TargetMethod.Name is "OrderBy" or "OrderByDescending" or "Order" or "OrderDescending" or "ThenBy" or "ThenByDescending")
                    {
                        return null;
                    }

                    var next = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
                    if (next is null)
                    {
                        return null;
                    }

                    current = next;
                    continue;
                case IObjectCreationOperation { Arguments.Length: 1 } copy
                    when copy.Type?.OriginalDefinition is { MetadataName: "List`1" or "Queue`1" or "Stack`1" or "LinkedList`1" } listType
                         && listType.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                         && copy.Arguments[0].Value.Type is { SpecialType: not SpecialType.System_Int32 }:
                    current = copy.Arguments[0].Value;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>A System.Linq.Enumerable operator (<c>Select</c>, <c>Where</c>, <c>ToList</c>...), or <c>List&lt;T&gt;.ForEach</c>.</summary>
    public static bool IsQueryOperator(IMethodSymbol method)
    {
        var definition = method.ReducedFrom ?? method;
        var type = definition.ContainingType;
        if (type is null)
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        return (ns == "System.Linq" && type.Name is "Enumerable" or "AsyncEnumerable")
            || (ns == "System.Collections.Generic" && type.OriginalDefinition.MetadataName == "List`1" && method.Name == "ForEach");
    }

    /// <summary>The hash-based collection <paramref name="type"/> is, derives from or is nested in (<c>Dictionary.KeyCollection</c>), or null.</summary>
    public static INamedTypeSymbol? HashOrderedType(ITypeSymbol? type)
    {
        for (var named = type as INamedTypeSymbol; named is not null; named = named.BaseType)
        {
            for (INamedTypeSymbol? current = named; current is not null; current = current.ContainingType)
            {
                var ns = current.ContainingNamespace?.ToDisplayString();
                if (ns is "System.Collections.Generic" or "System.Collections.Concurrent" or "System.Collections.Immutable" or "System.Collections")
                {
                    switch (current.MetadataName)
                    {
                        case "HashSet`1":
                        case "Dictionary`2":
                        case "ConcurrentDictionary`2":
                        case "ConcurrentBag`1":
                        case "ImmutableHashSet`1":
                        case "ImmutableDictionary`2":
                        case "Hashtable":
                            return current;
                    }
                }
            }
        }

        return null;
    }
}
