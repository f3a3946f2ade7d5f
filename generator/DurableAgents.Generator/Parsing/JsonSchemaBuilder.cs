using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Parsing;

/// <summary>
/// Computes, at compile time, the JSON Schema of a type as System.Text.Json serializes it with the endpoint's
/// defaults (<c>JsonSerializerDefaults.Web</c>: camel-case property names, enums as numbers unless the enum carries
/// <c>[JsonConverter(typeof(JsonStringEnumConverter))]</c>). Honours <c>[JsonPropertyName]</c>, <c>[JsonIgnore]</c>,
/// <c>[JsonInclude]</c>, <c>[JsonRequired]</c>, <c>required</c> members and <c>[Description]</c>. Recursive types and
/// types it does not understand get the permissive schema <c>{}</c>.
/// </summary>
internal static class JsonSchemaBuilder
{
    private const int MaxDepth = 12;

    /// <summary>The schema of <paramref name="type"/>; <paramref name="nullable"/> adds <c>null</c> to it.</summary>
    public static string Build(ITypeSymbol type, bool nullable, CancellationToken cancellationToken)
        => Serialize(Schema(type, nullable, description: null, new List<ITypeSymbol>(), cancellationToken));

    /// <summary>Whether a type use admits null (an annotated reference type or <c>Nullable&lt;T&gt;</c>).</summary>
    public static bool IsNullable(ITypeSymbol type)
        => type.NullableAnnotation == NullableAnnotation.Annotated
            || (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T });

    internal static string Serialize(List<KeyValuePair<string, string>> schema)
    {
        var w = new JsonWriter().StartObject();
        foreach (var kv in schema)
        {
            w.Property(kv.Key).Raw(kv.Value);
        }

        return w.EndObject().ToString();
    }

    internal static List<KeyValuePair<string, string>> Schema(ITypeSymbol type, bool nullable, string? description, List<ITypeSymbol> path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n)
        {
            type = n.TypeArguments[0];
            nullable = true;
        }

        var schema = Core(type, path, cancellationToken);
        if (nullable)
        {
            AllowNull(schema);
        }

        if (description is { Length: > 0 })
        {
            schema.Add(Pair("description", Str(description)));
        }

        return schema;
    }

    private static void AllowNull(List<KeyValuePair<string, string>> schema)
    {
        for (var i = 0; i < schema.Count; i++)
        {
            if (schema[i].Key == "type" && schema[i].Value.StartsWith("\"", System.StringComparison.Ordinal))
            {
                schema[i] = Pair("type", "[" + schema[i].Value + ",\"null\"]");
            }
            else if (schema[i].Key == "enum")
            {
                schema[i] = Pair("enum", schema[i].Value.Substring(0, schema[i].Value.Length - 1) + ",null]");
            }
        }
    }

    private static List<KeyValuePair<string, string>> Core(ITypeSymbol type, List<ITypeSymbol> path, CancellationToken cancellationToken)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
                return Type("string");
            case SpecialType.System_Char:
                return [Pair("type", Str("string")), Pair("minLength", "1"), Pair("maxLength", "1")];
            case SpecialType.System_Boolean:
                return Type("boolean");
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
                return Type("integer");
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                return Type("number");
            case SpecialType.System_Object:
                return [];
            case SpecialType.System_DateTime:
                return [Pair("type", Str("string")), Pair("format", Str("date-time"))];
        }

        if (type is IArrayTypeSymbol array)
        {
            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                return [Pair("type", Str("string")), Pair("contentEncoding", Str("base64"))];
            }

            return [Pair("type", Str("array")), Pair("items", Nested(array.ElementType, path, cancellationToken))];
        }

        if (type is not INamedTypeSymbol named)
        {
            return [];
        }

        switch (FullName(named))
        {
            case "System.Guid":
                return [Pair("type", Str("string")), Pair("format", Str("uuid"))];
            case "System.DateTimeOffset":
                return [Pair("type", Str("string")), Pair("format", Str("date-time"))];
            case "System.DateOnly":
                return [Pair("type", Str("string")), Pair("format", Str("date"))];
            case "System.TimeOnly":
                return [Pair("type", Str("string")), Pair("format", Str("time"))];
            case "System.TimeSpan":
            case "System.Version":
                return Type("string");
            case "System.Uri":
                return [Pair("type", Str("string")), Pair("format", Str("uri"))];
            case "System.Half":
                return Type("number");
            case "System.Int128":
            case "System.UInt128":
                return Type("integer");
            case "System.Text.Json.JsonElement":
            case "System.Text.Json.JsonDocument":
            case "System.Text.Json.Nodes.JsonNode":
            case "System.Text.Json.Nodes.JsonValue":
                return [];
            case "System.Text.Json.Nodes.JsonObject":
                return Type("object");
            case "System.Text.Json.Nodes.JsonArray":
                return Type("array");
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            return EnumSchema(named);
        }

        var dict = FindGeneric(named, "System.Collections.Generic.IDictionary`2")
            ?? FindGeneric(named, "System.Collections.Generic.IReadOnlyDictionary`2");
        if (dict is not null)
        {
            return [Pair("type", Str("object")), Pair("additionalProperties", Nested(dict.TypeArguments[1], path, cancellationToken))];
        }

        if (FindGeneric(named, "System.Collections.Generic.IEnumerable`1") is { } enumerable)
        {
            return [Pair("type", Str("array")), Pair("items", Nested(enumerable.TypeArguments[0], path, cancellationToken))];
        }

        if (named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || named.IsTupleType || path.Count >= MaxDepth
            || path.Any(p => SymbolEqualityComparer.Default.Equals(p, named)))
        {
            return named.IsTupleType ? Type("object") : [];
        }

        path.Add(named);
        try
        {
            return ObjectSchema(named, path, cancellationToken);
        }
        finally
        {
            path.RemoveAt(path.Count - 1);
        }
    }

    private static List<KeyValuePair<string, string>> ObjectSchema(INamedTypeSymbol type, List<ITypeSymbol> path, CancellationToken cancellationToken)
    {
        var properties = new JsonWriter().StartObject();
        var required = new List<string>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                ITypeSymbol memberType;
                bool isRequired;
                switch (member)
                {
                    case IPropertySymbol { IsStatic: false, IsIndexer: false } p
                        when (p.DeclaredAccessibility == Accessibility.Public && p.GetMethod is { DeclaredAccessibility: Accessibility.Public })
                            || (p.GetMethod is not null && p.FindAttribute("System.Text.Json.Serialization.JsonIncludeAttribute") is not null):
                        memberType = p.Type;
                        isRequired = p.IsRequired;
                        break;
                    case IFieldSymbol { IsStatic: false, IsConst: false } f
                        when f.FindAttribute("System.Text.Json.Serialization.JsonIncludeAttribute") is not null:
                        memberType = f.Type;
                        isRequired = f.IsRequired;
                        break;
                    default:
                        continue;
                }

                if (member.FindAttribute("System.Text.Json.Serialization.JsonIgnoreAttribute") is { } ignore
                    && (ignore.NamedArguments.Length == 0 || ignore.NamedArgument<int>("Condition") == 1))
                {
                    continue;
                }

                var jsonName = member.FindAttribute("System.Text.Json.Serialization.JsonPropertyNameAttribute")?.StringArgument()
                    ?? Naming.JsonCamelCase(member.Name);
                if (!seen.Add(jsonName))
                {
                    continue; // hidden by a member of a derived type
                }

                isRequired |= member.FindAttribute("System.Text.Json.Serialization.JsonRequiredAttribute") is not null;
                var description = DescriptionOf(member);
                properties.Property(jsonName).Raw(Serialize(Schema(memberType, IsNullable(memberType), description, path, cancellationToken)));
                if (isRequired)
                {
                    required.Add(jsonName);
                }
            }
        }

        var schema = new List<KeyValuePair<string, string>> { Pair("type", Str("object")), Pair("properties", properties.EndObject().ToString()) };
        if (required.Count > 0)
        {
            var r = new JsonWriter().StartArray();
            foreach (var name in required)
            {
                r.String(name);
            }

            schema.Add(Pair("required", r.EndArray().ToString()));
        }

        return schema;
    }

    private static List<KeyValuePair<string, string>> EnumSchema(INamedTypeSymbol type)
    {
        var asString = false;
        if (type.FindAttribute("System.Text.Json.Serialization.JsonConverterAttribute") is { } converter
            && converter.ConstructorArguments.Length == 1 && converter.ConstructorArguments[0].Value is INamedTypeSymbol converterType
            && converterType.Name == "JsonStringEnumConverter")
        {
            asString = true;
        }

        var values = new JsonWriter().StartArray();
        foreach (var member in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (!member.IsConst)
            {
                continue;
            }

            if (asString)
            {
                values.String(member.FindAttribute("System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute")?.StringArgument() ?? member.Name);
            }
            else if (member.ConstantValue is ulong u)
            {
                values.Number(u);
            }
            else if (member.ConstantValue is { } v)
            {
                values.Number(System.Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return [Pair("type", Str(asString ? "string" : "integer")), Pair("enum", values.EndArray().ToString())];
    }

    /// <summary>The <c>[Description]</c> of a symbol, if any.</summary>
    public static string? DescriptionOf(ISymbol symbol)
        => symbol.FindAttribute("System.ComponentModel.DescriptionAttribute")?.StringArgument();

    private static string Nested(ITypeSymbol type, List<ITypeSymbol> path, CancellationToken cancellationToken)
        => Serialize(Schema(type, IsNullable(type), null, path, cancellationToken));

    private static INamedTypeSymbol? FindGeneric(INamedTypeSymbol type, string metadataName)
    {
        if (FullName(type.OriginalDefinition) == metadataName)
        {
            return type;
        }

        foreach (var i in type.AllInterfaces)
        {
            if (FullName(i.OriginalDefinition) == metadataName)
            {
                return i;
            }
        }

        return null;
    }

    private static string FullName(INamedTypeSymbol type)
        => type.ContainingType is not null || type.ContainingNamespace is null || type.ContainingNamespace.IsGlobalNamespace
            ? type.MetadataName
            : type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;

    private static List<KeyValuePair<string, string>> Type(string name) => [Pair("type", Str(name))];

    private static KeyValuePair<string, string> Pair(string key, string rawValue) => new(key, rawValue);

    private static string Str(string value) => new JsonWriter().String(value).ToString();
}
