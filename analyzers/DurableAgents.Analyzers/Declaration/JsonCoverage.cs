using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>The System.Text.Json types DA1009 needs; null when System.Text.Json is not referenced.</summary>
internal sealed class JsonSymbols
{
    private JsonSymbols(Compilation compilation, INamedTypeSymbol context, INamedTypeSymbol serializable)
    {
        JsonSerializerContext = context;
        JsonSerializableAttribute = serializable;
        JsonDerivedTypeAttribute = KnownSymbols.Get(compilation, KnownTypeNames.JsonDerivedTypeAttribute);
        JsonConverterAttribute = KnownSymbols.Get(compilation, KnownTypeNames.JsonConverterAttribute);
        JsonIgnoreAttribute = KnownSymbols.Get(compilation, KnownTypeNames.JsonIgnoreAttribute);
        JsonIncludeAttribute = KnownSymbols.Get(compilation, KnownTypeNames.JsonIncludeAttribute);
        JsonConstructorAttribute = KnownSymbols.Get(compilation, KnownTypeNames.JsonConstructorAttribute);
        Enumerable = KnownSymbols.Get(compilation, "System.Collections.IEnumerable");
        Dictionary = KnownSymbols.Get(compilation, "System.Collections.IDictionary");
        EnumerableOfT = KnownSymbols.Get(compilation, "System.Collections.Generic.IEnumerable`1");
        AsyncEnumerableOfT = KnownSymbols.Get(compilation, "System.Collections.Generic.IAsyncEnumerable`1");
        ListOfT = KnownSymbols.Get(compilation, "System.Collections.Generic.List`1");
        DictionaryOfTKeyTValue = KnownSymbols.Get(compilation, "System.Collections.Generic.Dictionary`2");
        IDictionaryOfTKeyTValue = KnownSymbols.Get(compilation, "System.Collections.Generic.IDictionary`2");
        IReadOnlyDictionaryOfTKeyTValue = KnownSymbols.Get(compilation, "System.Collections.Generic.IReadOnlyDictionary`2");
    }

    public INamedTypeSymbol JsonSerializerContext { get; }
    public INamedTypeSymbol JsonSerializableAttribute { get; }
    public INamedTypeSymbol? JsonDerivedTypeAttribute { get; }
    public INamedTypeSymbol? JsonConverterAttribute { get; }
    public INamedTypeSymbol? JsonIgnoreAttribute { get; }
    public INamedTypeSymbol? JsonIncludeAttribute { get; }
    public INamedTypeSymbol? JsonConstructorAttribute { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? Dictionary { get; }
    public INamedTypeSymbol? EnumerableOfT { get; }
    public INamedTypeSymbol? AsyncEnumerableOfT { get; }
    public INamedTypeSymbol? ListOfT { get; }
    public INamedTypeSymbol? DictionaryOfTKeyTValue { get; }
    public INamedTypeSymbol? IDictionaryOfTKeyTValue { get; }
    public INamedTypeSymbol? IReadOnlyDictionaryOfTKeyTValue { get; }

    public static JsonSymbols? Create(Compilation compilation)
    {
        var context = KnownSymbols.Get(compilation, KnownTypeNames.JsonSerializerContext);
        var serializable = KnownSymbols.Get(compilation, KnownTypeNames.JsonSerializableAttribute);
        return context is null || serializable is null ? null : new JsonSymbols(compilation, context, serializable);
    }

    public bool IsContext(INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (KnownSymbols.Is(t, JsonSerializerContext))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Which types have System.Text.Json metadata in the resolver chain the generated code uses (DA1009): the closure of
/// every <c>[JsonSerializable(typeof(X))]</c> root of the compilation's own <c>JsonSerializerContext</c>s (the ones the
/// generator wires into <c>RestateJson.Resolver</c>), of the runtime's <c>BuiltInJsonContext</c>, and, when the
/// assembly declares a <c>[DurableAgent]</c>, of the agent runtime's context and Microsoft.Extensions.AI's
/// (<c>AgentJson.Resolver</c>). Roots are read from the attributes of the symbols, so nothing is hard-coded.
/// </summary>
/// <remarks>
/// The closure follows what the System.Text.Json source generator generates metadata for: a root, the property and
/// field types of an object (public, or <c>[JsonInclude]</c>; not <c>[JsonIgnore]</c>d), the parameters of its
/// deserialization constructor, collection element types, dictionary keys and values, the underlying type of
/// <c>Nullable&lt;T&gt;</c> and <c>[JsonDerivedType]</c> types. It does not look inside primitives, types with a
/// <c>[JsonConverter]</c>, or System.Text.Json's own types. Computed once per compilation.
/// </remarks>
internal sealed class JsonCoverage
{
    /// <summary>More types than this: give up, report nothing.</summary>
    internal const int Budget = 20_000;

    /// <summary>
    /// Deeper generic or array nesting than this (an ever-growing generic like <c>Node&lt;T&gt;</c> with a
    /// <c>Node&lt;List&lt;T&gt;&gt;</c> property): give up, report nothing. Keeps every recursion over a type shallow.
    /// </summary>
    internal const int MaxNesting = 24;

    private readonly Compilation _compilation;
    private readonly JsonSymbols _json;
    private readonly HashSet<ITypeSymbol> _covered = new(SymbolEqualityComparer.Default);
    private readonly Queue<(ITypeSymbol Type, INamedTypeSymbol Context)> _queue = new();
    private int _processed;

    private JsonCoverage(Compilation compilation, JsonSymbols json)
    {
        _compilation = compilation;
        _json = json;
    }

    /// <summary>The compilation's contexts the generator wires in, ordinal by fully-qualified name (the code fix adds to the first).</summary>
    public ImmutableArray<INamedTypeSymbol> SourceContexts { get; private set; } = ImmutableArray<INamedTypeSymbol>.Empty;

    /// <summary>True when the compilation declares a <c>[DurableAgent]</c> class (the agent resolvers are then in the chain).</summary>
    public bool HasAgents { get; private set; }

    /// <summary>False when the walk ran over <see cref="Budget"/>: every type then counts as covered.</summary>
    public bool IsComplete { get; private set; } = true;

    public static JsonCoverage Create(Compilation compilation, KnownSymbols known, JsonSymbols json, CancellationToken cancellationToken)
    {
        var coverage = new JsonCoverage(compilation, json);
        coverage.Build(known, cancellationToken);
        return coverage;
    }

    /// <summary>Whether the resolver chain has metadata for <paramref name="type"/>.</summary>
    public bool IsCovered(ITypeSymbol type) => !IsComplete || _covered.Contains(Erase(type));

    /// <summary>
    /// The generator's rule for a context it wires in (RestateGenerator.JsonContextName): a non-generic, non-abstract class
    /// deriving from JsonSerializerContext, visible at assembly level, with at least one [JsonSerializable].
    /// </summary>
    public static bool IsWiredContext(INamedTypeSymbol type, JsonSymbols json)
    {
        if (type.TypeKind != TypeKind.Class || type.IsGenericType || type.IsAbstract || !json.IsContext(type))
        {
            return false;
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return KnownSymbols.HasAttribute(type, json.JsonSerializableAttribute);
    }

    private void Build(KnownSymbols known, CancellationToken cancellationToken)
    {
        var contexts = new List<INamedTypeSymbol>();
        var stack = new Stack<INamespaceOrTypeSymbol>();
        stack.Push(_compilation.Assembly.GlobalNamespace);
        while (stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var member in stack.Pop().GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    stack.Push(ns);
                }
                else if (member is INamedTypeSymbol type)
                {
                    stack.Push(type);
                    if (IsWiredContext(type, _json))
                    {
                        contexts.Add(type);
                    }
                    else if (!HasAgents && known.DurableAgentAttribute is not null && KnownSymbols.HasAttribute(type, known.DurableAgentAttribute))
                    {
                        HasAgents = true;
                    }
                }
            }
        }

        contexts.Sort(static (a, b) => string.CompareOrdinal(FullName(a), FullName(b)));
        SourceContexts = contexts.ToImmutableArray();

        foreach (var context in contexts)
        {
            AddRoots(context);
        }

        AddRoots(KnownSymbols.Get(_compilation, KnownTypeNames.BuiltInJsonContext));
        if (HasAgents)
        {
            AddRoots(KnownSymbols.Get(_compilation, KnownTypeNames.AgentJsonContext));
            if (KnownSymbols.Get(_compilation, KnownTypeNames.AIJsonUtilities) is { } utilities)
            {
                foreach (var nested in utilities.GetTypeMembers())
                {
                    if (_json.IsContext(nested))
                    {
                        AddRoots(nested);
                    }
                }
            }
        }

        while (_queue.Count > 0)
        {
            if (!IsComplete || ++_processed > Budget)
            {
                IsComplete = false;
                _queue.Clear();
                return;
            }

            if ((_processed & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var (type, context) = _queue.Dequeue();
            Visit(type, context);
        }
    }

    private static string FullName(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    private void AddRoots(INamedTypeSymbol? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var attribute in context.GetAttributes())
        {
            if (KnownSymbols.Is(attribute.AttributeClass, _json.JsonSerializableAttribute)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is ITypeSymbol root)
            {
                Add(root, context);
            }
        }
    }

    private void Add(ITypeSymbol type, INamedTypeSymbol context)
    {
        if (type is IErrorTypeSymbol or ITypeParameterSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return;
        }

        if (TooDeep(type, 0))
        {
            IsComplete = false;
            return;
        }

        type = Erase(type);
        if (_covered.Add(type))
        {
            _queue.Enqueue((type, context));
        }
    }

    private static bool TooDeep(ITypeSymbol type, int depth)
    {
        if (depth > MaxNesting)
        {
            return true;
        }

        switch (type)
        {
            case IArrayTypeSymbol array:
                return TooDeep(array.ElementType, depth + 1);
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    if (TooDeep(argument, depth + 1))
                    {
                        return true;
                    }
                }

                return named.ContainingType is { } containing && TooDeep(containing, depth + 1);
            default:
                return false;
        }
    }

    private void Visit(ITypeSymbol type, INamedTypeSymbol context)
    {
        if (type is IArrayTypeSymbol array)
        {
            // byte[] is a base64 string, not a collection; multi-dimensional arrays are not supported.
            if (array.Rank == 1 && array.ElementType.SpecialType != SpecialType.System_Byte)
            {
                Add(array.ElementType, context);
            }

            return;
        }

        if (type is not INamedTypeSymbol named)
        {
            return;
        }

        var hasConverter = false;
        foreach (var attribute in named.GetAttributes())
        {
            if (KnownSymbols.Is(attribute.AttributeClass, _json.JsonDerivedTypeAttribute)
                && attribute.ConstructorArguments.Length > 0
                && attribute.ConstructorArguments[0].Value is ITypeSymbol derived)
            {
                Add(derived, context);
            }
            else if (IsConverterAttribute(attribute.AttributeClass))
            {
                hasConverter = true;
            }
        }

        if (hasConverter || IsLeaf(named) || named.TypeKind is TypeKind.Enum or TypeKind.Delegate)
        {
            return;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            Add(named.TypeArguments[0], context);
            return;
        }

        if (CollectionTypes(named) is { } collection)
        {
            Add(collection.Value, context);
            if (collection.Key is { } key)
            {
                Add(key, context);
            }

            return;
        }

        VisitObject(named, context);
    }

    private bool IsConverterAttribute(INamedTypeSymbol? attributeClass)
    {
        for (var t = attributeClass; t is not null; t = t.BaseType)
        {
            if (KnownSymbols.Is(t, _json.JsonConverterAttribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Types the serializer handles itself (primitives, System.Text.Json's DOM types) or rejects: never walked into.</summary>
    private static bool IsLeaf(INamedTypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
            case SpecialType.System_DateTime:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return true;
        }

        var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        if (ns == "System")
        {
            switch (type.MetadataName)
            {
                case "Guid":
                case "DateTimeOffset":
                case "TimeSpan":
                case "DateOnly":
                case "TimeOnly":
                case "Uri":
                case "Version":
                case "Half":
                case "Int128":
                case "UInt128":
                case "Memory`1":
                case "ReadOnlyMemory`1":
                    return true;
            }
        }

        if ((ns == "System.Text" && type.MetadataName == "Rune") || ns == "System.Text.Json" || ns.StartsWith("System.Text.Json.", System.StringComparison.Ordinal))
        {
            return true;
        }

        // Reflection types and SerializationInfo: not supported (DA1004 reports them), nothing to walk.
        for (var t = type; t is not null; t = t.BaseType)
        {
            var tns = t.ContainingNamespace?.ToDisplayString();
            if ((tns == "System.Reflection" && t.MetadataName == "MemberInfo")
                || (tns == "System.Runtime.Serialization" && t.MetadataName == "SerializationInfo"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The element type (and key type for dictionaries) of a collection, as the serializer sees it; null for a non-collection.</summary>
    private (ITypeSymbol Value, ITypeSymbol? Key)? CollectionTypes(INamedTypeSymbol type)
    {
        var compilation = _compilation;
        if (Compatible(type, _json.AsyncEnumerableOfT) is { } asyncEnumerable)
        {
            return (asyncEnumerable.TypeArguments[0], null);
        }

        if (_json.Enumerable is null || !Implements(type, _json.Enumerable))
        {
            return null;
        }

        if (Compatible(type, _json.ListOfT) is { } list)
        {
            return (list.TypeArguments[0], null);
        }

        var dictionary = Compatible(type, _json.DictionaryOfTKeyTValue)
            ?? Compatible(type, _json.IDictionaryOfTKeyTValue)
            ?? Compatible(type, _json.IReadOnlyDictionaryOfTKeyTValue);
        if (dictionary is not null)
        {
            return (dictionary.TypeArguments[1], dictionary.TypeArguments[0]);
        }

        if (Compatible(type, _json.EnumerableOfT) is { } enumerable)
        {
            return (enumerable.TypeArguments[0], null);
        }

        var obj = compilation.GetSpecialType(SpecialType.System_Object);
        if (_json.Dictionary is not null && Implements(type, _json.Dictionary))
        {
            return (obj, compilation.GetSpecialType(SpecialType.System_String));
        }

        return (obj, null);
    }

    /// <summary>The constructed <paramref name="definition"/> that <paramref name="type"/> is, derives from or implements.</summary>
    private static INamedTypeSymbol? Compatible(INamedTypeSymbol type, INamedTypeSymbol? definition)
    {
        if (definition is null)
        {
            return null;
        }

        if (definition.TypeKind == TypeKind.Interface)
        {
            if (KnownSymbols.Is(type.OriginalDefinition, definition))
            {
                return type;
            }

            foreach (var i in type.AllInterfaces)
            {
                if (KnownSymbols.Is(i.OriginalDefinition, definition))
                {
                    return i;
                }
            }

            return null;
        }

        for (var t = type; t is not null; t = t.BaseType)
        {
            if (KnownSymbols.Is(t.OriginalDefinition, definition))
            {
                return t;
            }
        }

        return null;
    }

    private static bool Implements(INamedTypeSymbol type, INamedTypeSymbol @interface)
    {
        if (KnownSymbols.Is(type, @interface))
        {
            return true;
        }

        foreach (var i in type.AllInterfaces)
        {
            if (KnownSymbols.Is(i, @interface))
            {
                return true;
            }
        }

        return false;
    }

    private void VisitObject(INamedTypeSymbol type, INamedTypeSymbol context)
    {
        var hierarchy = new List<INamedTypeSymbol> { type };
        if (type.TypeKind == TypeKind.Interface)
        {
            hierarchy.AddRange(type.AllInterfaces);
        }
        else
        {
            for (var t = type.BaseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                hierarchy.Add(t);
            }
        }

        foreach (var t in hierarchy)
        {
            foreach (var member in t.GetMembers())
            {
                switch (member)
                {
                    case IPropertySymbol property when !property.IsStatic && !property.IsIndexer
                        && IsSerializedProperty(property, context) && !IsIgnored(property) && IsAccessible(property.Type, context):
                        Add(property.Type, context);
                        break;
                    case IFieldSymbol field when !field.IsStatic && !field.IsConst && field.AssociatedSymbol is null
                        && !field.IsExplicitlyNamedTupleElement && field.DeclaredAccessibility == Accessibility.Public
                        && !IsIgnored(field) && IsAccessible(field.Type, context):
                        Add(field.Type, context);
                        break;
                }
            }
        }

        if (!type.IsAbstract && DeserializationConstructor(type) is { } constructor)
        {
            foreach (var parameter in constructor.Parameters)
            {
                Add(parameter.Type, context);
            }
        }
    }

    /// <summary>A public getter or setter, or a <c>[JsonInclude]</c> accessor the context can reach.</summary>
    private bool IsSerializedProperty(IPropertySymbol property, INamedTypeSymbol context)
    {
        if (property.GetMethod?.DeclaredAccessibility == Accessibility.Public || property.SetMethod?.DeclaredAccessibility == Accessibility.Public)
        {
            return true;
        }

        return KnownSymbols.HasAttribute(property, _json.JsonIncludeAttribute)
            && ((property.GetMethod is { } get && IsAccessible(get, context)) || (property.SetMethod is { } set && IsAccessible(set, context)));
    }

    /// <summary><c>[JsonIgnore]</c> or <c>[JsonIgnore(Condition = JsonIgnoreCondition.Always)]</c>.</summary>
    private bool IsIgnored(ISymbol member)
    {
        var attribute = KnownSymbols.FindAttribute(member, _json.JsonIgnoreAttribute);
        if (attribute is null)
        {
            return false;
        }

        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Condition")
            {
                return named.Value.Value is 0;
            }
        }

        return true;
    }

    /// <summary>Whether the (source) context's generated code can name the symbol; metadata contexts are trusted.</summary>
    private bool IsAccessible(ISymbol symbol, INamedTypeSymbol context)
    {
        if (!SymbolEqualityComparer.Default.Equals(context.ContainingAssembly, _compilation.Assembly))
        {
            return true;
        }

        try
        {
            return _compilation.IsSymbolAccessibleWithin(symbol, context);
        }
        catch (System.ArgumentException)
        {
            return true;
        }
    }

    /// <summary>
    /// The constructor the serializer deserializes with: the public one marked [JsonConstructor], else the public
    /// parameterless one, else the only public one. Structs without [JsonConstructor] use their default constructor.
    /// </summary>
    private IMethodSymbol? DeserializationConstructor(INamedTypeSymbol type)
    {
        IMethodSymbol? marked = null, parameterless = null, only = null;
        var count = 0;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared || constructor.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            count++;
            only = constructor;
            if (KnownSymbols.HasAttribute(constructor, _json.JsonConstructorAttribute))
            {
                marked = constructor;
            }
            else if (constructor.Parameters.Length == 0)
            {
                parameterless = constructor;
            }
        }

        if (type.IsValueType && marked is null)
        {
            return null;
        }

        return marked ?? parameterless ?? (count == 1 ? only : null);
    }

    /// <summary>
    /// Drops tuple element names, which the serializer ignores (<c>(int a, int b)</c> and <c>(int, int)</c> are one
    /// type). Nullable annotations are already ignored by <see cref="SymbolEqualityComparer.Default"/>.
    /// </summary>
    private ITypeSymbol Erase(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                var element = Erase(array.ElementType);
                return ReferenceEquals(element, array.ElementType) ? array : _compilation.CreateArrayTypeSymbol(element, array.Rank);
            case INamedTypeSymbol named when named.IsGenericType:
                var definition = named.IsTupleType ? named.TupleUnderlyingType ?? named : named;
                var arguments = definition.TypeArguments;
                ITypeSymbol[]? erased = null;
                for (var i = 0; i < arguments.Length; i++)
                {
                    var argument = Erase(arguments[i]);
                    if (!ReferenceEquals(argument, arguments[i]))
                    {
                        erased ??= System.Linq.Enumerable.ToArray(arguments);
                        erased[i] = argument;
                    }
                }

                return erased is null ? definition : definition.ConstructedFrom.Construct(erased);
            default:
                return type;
        }
    }
}
