using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// The result-contract identity of a type: <c>Name@hash8</c>, the hash being FNV-1a (32 bits) over a canonical
/// description of the type's JSON contract: property JSON names with their contracts (recursively, depth-bounded),
/// enums by member names, collections by element type, well-known scalars by kind. The C# type name is not part of
/// the hash, so a renamed type with the same contract keeps it.
/// </summary>
internal static class ContractHasher
{
    private const int MaxDepth = 6;

    /// <summary><c>Greeting@9f8e7d6c</c>.</summary>
    public static string Contract(ITypeSymbol type) => DisplayName(type) + "@" + Hash(type);

    /// <summary>The 8 lowercase hex characters of the contract hash.</summary>
    public static string Hash(ITypeSymbol type)
    {
        var sb = new StringBuilder();
        Describe(type, sb, new List<ITypeSymbol>(), 0);
        return Fnv1a(sb.ToString()).ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>The canonical description (exposed for tests).</summary>
    public static string Describe(ITypeSymbol type)
    {
        var sb = new StringBuilder();
        Describe(type, sb, new List<ITypeSymbol>(), 0);
        return sb.ToString();
    }

    /// <summary>A short display name: <c>String</c>, <c>List&lt;Order&gt;</c>, <c>Int32?</c>, <c>Order[]</c>.</summary>
    public static string DisplayName(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return DisplayName(array.ElementType) + "[]";
            case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable:
                return DisplayName(nullable.TypeArguments[0]) + "?";
            case INamedTypeSymbol { IsTupleType: true } tuple:
                var items = new List<string>();
                foreach (var e in tuple.TupleElements)
                {
                    items.Add(DisplayName(e.Type));
                }

                return "(" + string.Join(",", items) + ")";
            case INamedTypeSymbol { TypeArguments.Length: > 0 } generic:
                var args = new List<string>();
                foreach (var a in generic.TypeArguments)
                {
                    args.Add(DisplayName(a));
                }

                return generic.Name + "<" + string.Join(",", args) + ">";
            default:
                return type.Name.Length == 0 ? "?" : type.Name;
        }
    }

    public static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash = unchecked(hash * 16777619u);
        }

        return hash;
    }

    private static void Describe(ITypeSymbol type, StringBuilder sb, List<ITypeSymbol> stack, int depth)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            Describe(nullable.TypeArguments[0], sb, stack, depth);
            sb.Append('?');
            return;
        }

        if (Scalar(type) is { } scalar)
        {
            sb.Append(scalar);
            return;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            sb.Append("enum(");
            var first = true;
            foreach (var m in type.GetMembers())
            {
                if (m is IFieldSymbol { HasConstantValue: true } f)
                {
                    sb.Append(first ? "" : ",").Append(JsonName(f));
                    first = false;
                }
            }

            sb.Append(')');
            return;
        }

        if (type.TypeKind == TypeKind.TypeParameter)
        {
            sb.Append("param");
            return;
        }

        if (depth >= MaxDepth)
        {
            sb.Append('~');
            return;
        }

        if (type is IArrayTypeSymbol array)
        {
            sb.Append('[');
            Describe(array.ElementType, sb, stack, depth + 1);
            sb.Append(']');
            return;
        }

        if (type is INamedTypeSymbol named && Dictionary(named) is { } kv)
        {
            sb.Append("{");
            Describe(kv.Key, sb, stack, depth + 1);
            sb.Append(':');
            Describe(kv.Value, sb, stack, depth + 1);
            sb.Append('}');
            return;
        }

        if (type is INamedTypeSymbol seq && Element(seq) is { } element)
        {
            sb.Append('[');
            Describe(element, sb, stack, depth + 1);
            sb.Append(']');
            return;
        }

        foreach (var s in stack)
        {
            if (SymbolEqualityComparer.Default.Equals(s, type))
            {
                sb.Append("rec");
                return;
            }
        }

        stack.Add(type);
        var properties = new SortedDictionary<string, ITypeSymbol>(System.StringComparer.Ordinal);
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || Ignored(member))
                {
                    continue;
                }

                var memberType = member switch
                {
                    IPropertySymbol { IsIndexer: false, GetMethod: not null } p => p.Type,
                    IFieldSymbol f when Included(f) => f.Type,
                    _ => null,
                };
                var name = JsonName(member);
                if (memberType is not null && !properties.ContainsKey(name))
                {
                    properties.Add(name, memberType);
                }
            }
        }

        sb.Append('{');
        var firstProperty = true;
        foreach (var p in properties)
        {
            sb.Append(firstProperty ? "" : ",").Append(p.Key).Append(':');
            Describe(p.Value, sb, stack, depth + 1);
            firstProperty = false;
        }

        sb.Append('}');
        stack.RemoveAt(stack.Count - 1);
    }

    private static string? Scalar(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return "bool";
            case SpecialType.System_String: return "string";
            case SpecialType.System_Char: return "char";
            case SpecialType.System_Object: return "any";
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
            case SpecialType.System_DateTime:
                return type.Name.ToLowerInvariant();
        }

        if (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte })
        {
            return "bytes";
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        if (ns == "System" && type.Name is "DateTimeOffset" or "Guid" or "TimeSpan" or "Uri" or "DateOnly" or "TimeOnly" or "Half" or "Int128" or "UInt128")
        {
            return type.Name.ToLowerInvariant();
        }

        if ((ns == "System.Text.Json" && type.Name is "JsonElement" or "JsonDocument")
            || (ns == "System.Text.Json.Nodes" && type.Name is "JsonNode" or "JsonObject" or "JsonArray"))
        {
            return "json";
        }

        if (type.TypeKind is TypeKind.Error)
        {
            return "?" + type.Name;
        }

        return null;
    }

    private static KeyValuePair<ITypeSymbol, ITypeSymbol>? Dictionary(INamedTypeSymbol type)
    {
        foreach (var candidate in Self(type))
        {
            if (candidate.TypeArguments.Length == 2 && candidate.Name is "IDictionary" or "IReadOnlyDictionary" or "Dictionary"
                && candidate.ContainingNamespace?.ToDisplayString() is "System.Collections.Generic")
            {
                return new KeyValuePair<ITypeSymbol, ITypeSymbol>(candidate.TypeArguments[0], candidate.TypeArguments[1]);
            }
        }

        return null;
    }

    private static ITypeSymbol? Element(INamedTypeSymbol type)
    {
        foreach (var candidate in Self(type))
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    private static IEnumerable<INamedTypeSymbol> Self(INamedTypeSymbol type)
    {
        yield return type;
        foreach (var i in type.AllInterfaces)
        {
            yield return i;
        }
    }

    private static bool Ignored(ISymbol member)
    {
        foreach (var a in member.GetAttributes())
        {
            if (a.AttributeClass?.Name == "JsonIgnoreAttribute")
            {
                return true;
            }
        }

        return false;
    }

    private static bool Included(IFieldSymbol field)
    {
        foreach (var a in field.GetAttributes())
        {
            if (a.AttributeClass?.Name == "JsonIncludeAttribute")
            {
                return true;
            }
        }

        return false;
    }

    private static string JsonName(ISymbol member)
    {
        foreach (var a in member.GetAttributes())
        {
            if (a.AttributeClass?.Name is "JsonPropertyNameAttribute" or "JsonStringEnumMemberNameAttribute"
                && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string s)
            {
                return s;
            }
        }

        return member.Name;
    }
}
