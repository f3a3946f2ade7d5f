using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>
/// Which types System.Text.Json cannot handle. Two tiers: <see cref="GeneratorRejects"/> mirrors the generator's own
/// check (a handler or tool using such a type is not generated at all, an error), and <see cref="RuntimeProblem"/>
/// finds types the generator accepts but that fail when serialized or deserialized (DA1004, an error with the reason; DA1009
/// is not reported for them, so its fix never offers <c>[JsonSerializable(typeof(Stream))]</c>). Both are conservative:
/// anything not clearly broken passes.
/// </summary>
internal static class Serializability
{
    /// <summary>Why the generator skips a type (open type parameter, pointer, delegate, ref struct, void), or null.</summary>
    public static string? GeneratorRejects(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol:
                return "an open type parameter has no JSON contract";
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "pointers cannot be serialized";
            case IErrorTypeSymbol:
                return null;
            case IArrayTypeSymbol array:
                return GeneratorRejects(array.ElementType);
        }

        if (type.IsRefLikeType)
        {
            return "ref structs cannot be serialized";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "delegates cannot be serialized";
        }

        if (type is INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
            {
                if (GeneratorRejects(argument) is { } reason)
                {
                    return reason;
                }
            }
        }

        return null;
    }

    /// <summary>Why System.Text.Json fails on a type the generator accepts, or null.</summary>
    public static string? RuntimeProblem(ITypeSymbol type, int depth = 0)
    {
        if (depth > 4)
        {
            return null;
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.Rank > 1
                ? "multi-dimensional arrays are not supported"
                : RuntimeProblem(array.ElementType, depth + 1);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return "IntPtr and UIntPtr are not supported";
        }

        for (var current = named; current is not null; current = current.BaseType)
        {
            var ns = current.ContainingNamespace?.ToDisplayString();
            if ((ns == "System" && current.MetadataName is "Type" or "Delegate")
                || (ns == "System.Reflection" && current.MetadataName is "MemberInfo" or "ParameterInfo" or "Assembly" or "Module")
                || (ns == "System.Runtime.Serialization" && current.MetadataName == "SerializationInfo"))
            {
                return "reflection types are not supported";
            }

            if (Unserializable(ns, current.MetadataName) is { } reason)
            {
                return reason;
            }
        }

        foreach (var argument in named.TypeArguments)
        {
            if (RuntimeProblem(argument, depth + 1) is { } reason)
            {
                return reason;
            }
        }

        // A source class nobody can construct: no public constructor, none marked [JsonConstructor].
        if (named.TypeKind == TypeKind.Class
            && !named.IsAbstract
            && !named.IsStatic
            && named.SpecialType == SpecialType.None
            && named.Locations.Length > 0
            && named.Locations[0].IsInSource
            && !HasUsableConstructor(named))
        {
            return "it has no public constructor (add one, or mark one [JsonConstructor])";
        }

        return null;
    }

    /// <summary>
    /// Process-bound objects with no JSON form (matched on the type and its base types): System.Text.Json either throws on
    /// them or writes their properties, which cannot be read back. No <c>[JsonSerializable]</c> changes that.
    /// </summary>
    private static string? Unserializable(string? ns, string metadataName) => (ns, metadataName) switch
    {
        ("System.IO", "Stream") => "a stream is a handle to data, not data: pass the content (byte[], string or a record) or a reference to it (a URL, a blob name)",
        ("System.IO", "TextReader" or "TextWriter") => "a reader or writer is a handle to data, not data: pass the text",
        ("System.Threading.Tasks", "Task" or "Task`1" or "ValueTask" or "ValueTask`1") => "a task is a running operation, not a value: await it and pass its result",
        ("System.Threading", "Thread" or "WaitHandle" or "CancellationTokenSource") => "threads, wait handles and cancellation sources belong to one process",
        ("System.Runtime.InteropServices", "SafeHandle") => "an OS handle belongs to one process",
        _ => null,
    };

    private static bool HasUsableConstructor(INamedTypeSymbol type)
    {
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility == Accessibility.Public)
            {
                return true;
            }

            foreach (var attribute in constructor.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "JsonConstructorAttribute")
                {
                    return true;
                }
            }
        }

        return false;
    }
}
