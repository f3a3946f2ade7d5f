using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>How a reference to a static field or property uses it.</summary>
internal enum StaticAccess
{
    /// <summary>The value is read (or the object is used without being changed).</summary>
    Read,

    /// <summary>The field or property itself is assigned, incremented or passed by <c>ref</c>/<c>out</c>.</summary>
    Write,

    /// <summary>The collection (or array) it holds is changed: <c>Add</c>, <c>TryAdd</c>, an indexer or element store.</summary>
    Mutate,
}

/// <summary>
/// What a static field or static auto-property holds, and how a reference uses it. Shared by the durable-code rules
/// (DA2011, DA2015) and the tool rule (DA2013) so they agree on what static state is.
/// </summary>
internal static class StaticState
{
    // Collections whose contents code can change, by namespace and metadata name (base types are checked too).
    private static readonly Dictionary<string, HashSet<string>> MutableCollections = new()
    {
        ["System.Collections.Generic"] = new()
        {
            "List`1", "Dictionary`2", "HashSet`1", "Queue`1", "Stack`1", "LinkedList`1", "SortedDictionary`2",
            "SortedList`2", "SortedSet`1", "PriorityQueue`2", "IList`1", "IDictionary`2", "ICollection`1", "ISet`1",
        },
        ["System.Collections.Concurrent"] = new()
        {
            "ConcurrentDictionary`2", "ConcurrentBag`1", "ConcurrentQueue`1", "ConcurrentStack`1", "BlockingCollection`1",
            "IProducerConsumerCollection`1",
        },
        ["System.Collections"] = new() { "ArrayList", "Hashtable", "Queue", "Stack", "SortedList", "IList", "IDictionary" },
        ["System.Collections.ObjectModel"] = new() { "Collection`1", "ObservableCollection`1", "KeyedCollection`2" },
        ["System.Collections.Specialized"] = new() { "NameValueCollection", "OrderedDictionary", "StringCollection" },
    };

    // Methods that change a collection (also the first argument of an extension method such as CollectionExtensions.TryAdd).
    private static readonly HashSet<string> MutatingMethods = new()
    {
        "Add", "AddRange", "AddOrUpdate", "AddFirst", "AddLast", "AddBefore", "AddAfter", "TryAdd", "GetOrAdd", "TryUpdate",
        "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveFirst", "RemoveLast", "TryRemove",
        "Clear", "Enqueue", "Dequeue", "TryDequeue", "EnqueueRange", "Push", "PushRange", "Pop", "TryPop", "TryPopRange",
        "Take", "TryTake", "Sort", "Reverse", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith", "Set",
        "CompleteAdding", "TrimExcess", "EnsureCapacity", "CopyTo",
    };

    /// <summary>The static field or static auto-property <paramref name="reference"/> refers to, or null.</summary>
    public static ISymbol? StaticMember(IOperation reference) => reference switch
    {
        IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false, IsImplicitlyDeclared: false } field }
            when field.ContainingType?.TypeKind != TypeKind.Enum => field,
        IPropertyReferenceOperation { Property: { IsStatic: true, Parameters.Length: 0 } property } when IsAutoProperty(property) => property,
        _ => null,
    };

    /// <summary>True if the field is not readonly or the auto-property has a setter.</summary>
    public static bool IsWritable(ISymbol member) => member switch
    {
        IFieldSymbol field => !field.IsReadOnly && !field.IsConst,
        IPropertySymbol property => property.SetMethod is not null,
        _ => false,
    };

    public static ITypeSymbol? TypeOf(ISymbol member) => member switch
    {
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        _ => null,
    };

    /// <summary>A collection whose contents can be changed, or an array (whose elements can).</summary>
    public static bool HoldsChangeableContents(ITypeSymbol? type) => IsMutableCollection(type) || type is IArrayTypeSymbol;

    /// <summary>
    /// The static collection or array (readonly or not) that <paramref name="reference"/> changes: its contents
    /// (<see cref="StaticAccess.Mutate"/>) or, with <paramref name="orReassigns"/>, the member itself; else null.
    /// </summary>
    public static ISymbol? ChangedCollection(IOperation reference, bool orReassigns)
    {
        if (StaticMember(reference) is not { } member || !HoldsChangeableContents(TypeOf(member)))
        {
            return null;
        }

        var access = AccessOf(reference, out _);
        return access == StaticAccess.Mutate || (orReassigns && access == StaticAccess.Write) ? member : null;
    }

    /// <summary>True for a collection type whose contents can be changed (a class deriving from one included).</summary>
    public static bool IsMutableCollection(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (Matches(type))
        {
            return true;
        }

        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (Matches(current))
            {
                return true;
            }
        }

        return false;

        static bool Matches(ITypeSymbol candidate) =>
            candidate.ContainingNamespace?.ToDisplayString() is { } ns
            && MutableCollections.TryGetValue(ns, out var names)
            && names.Contains(candidate.OriginalDefinition.MetadataName);
    }

    /// <summary>True for <c>System.Random</c> (and subclasses): a shared instance's next value depends on earlier calls in the process.</summary>
    public static bool IsRandom(ITypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == "Random" && current.ContainingNamespace?.ToDisplayString() == "System")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// How <paramref name="reference"/> (a static field or property reference) is used, and the operation that changes it
    /// (<c>"Add"</c>, <c>"indexer"</c>, <c>"element store"</c>, <c>"assignment"</c>) for writes and mutations.
    /// </summary>
    public static StaticAccess AccessOf(IOperation reference, out string how)
    {
        how = "";
        if (IsWriteTarget(reference, out how))
        {
            return StaticAccess.Write;
        }

        var user = reference.Parent;
        var child = reference;
        while (user is IConversionOperation or IParenthesizedOperation)
        {
            child = user;
            user = user.Parent;
        }

        switch (user)
        {
            case IInvocationOperation invocation when invocation.Instance == child && MutatingMethods.Contains(invocation.TargetMethod.Name):
                how = invocation.TargetMethod.Name;
                return StaticAccess.Mutate;
            case IArgumentOperation { Parent: IInvocationOperation invocation } argument
                when invocation.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0 && MutatingMethods.Contains(invocation.TargetMethod.Name):
                how = invocation.TargetMethod.Name;
                return StaticAccess.Mutate;
            case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance == child && IsWriteTarget(indexer, out _):
                how = "indexer store";
                return StaticAccess.Mutate;
            case IArrayElementReferenceOperation element when element.ArrayReference == child && IsWriteTarget(element, out _):
                how = "element store";
                return StaticAccess.Mutate;
            default:
                return StaticAccess.Read;
        }
    }

    /// <summary>Assignment (simple, compound, <c>??=</c>) target, increment/decrement, or <c>ref</c>/<c>out</c> argument.</summary>
    private static bool IsWriteTarget(IOperation operation, out string how)
    {
        switch (operation.Parent)
        {
            case IAssignmentOperation assignment when assignment.Target == operation:
                how = "assignment";
                return true;
            case IIncrementOrDecrementOperation increment when increment.Target == operation:
                how = "increment";
                return true;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when argument.Value == operation:
                how = "ref argument";
                return true;
            default:
                how = "";
                return false;
        }
    }

    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.DeclaringSyntaxReferences.Length == 0 || property.ContainingType is not { } type)
        {
            return false; // metadata: not a field of this program
        }

        return type.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));
    }
}
