using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>
/// DA1009: a handler input/result or tool parameter/result type that no source-generated System.Text.Json metadata in
/// the endpoint's resolver chain covers (see <see cref="JsonCoverage"/>). Under Native AOT such a type fails at run time
/// with "No JSON metadata for …"; this reports it at compile time. The covered set is computed once per compilation,
/// lazily, the first time a durable class has a type to check.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JsonMetadataAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the type as written in <c>typeof(...)</c>, fully qualified with <c>global::</c>.</summary>
    public const string TypeProperty = "Type";

    /// <summary>Diagnostic property: the documentation id (<c>T:Ns.AppJson</c>) of the context the fix adds to; absent when the assembly has none.</summary>
    public const string ContextProperty = "Context";

    /// <summary>Diagnostic property: the namespace of the durable class ("" for the global namespace), where the fix creates a context when there is none.</summary>
    public const string NamespaceProperty = "Namespace";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MissingJsonMetadata);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            var json = JsonSymbols.Create(start.Compilation);
            if (known is null || json is null)
            {
                return;
            }

            var compilation = start.Compilation;
            var cancellationToken = start.CancellationToken;
            var coverage = new System.Lazy<JsonCoverage>(
                () => JsonCoverage.Create(compilation, known, json, cancellationToken),
                LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSymbolAction(c => AnalyzeType(c, known, coverage), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, System.Lazy<JsonCoverage> coverage)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var kind = known.GetDurableKind(type);
        if (kind == DurableKind.None || type.IsGenericType)
        {
            return;
        }

        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (kind is DurableKind.Agent or DurableKind.SessionAgent)
            {
                if (known.IsTool(method) && HandlerShapes.ToolSignatureProblem(known, method) is null)
                {
                    foreach (var value in HandlerShapes.ToolTypes(known, method))
                    {
                        Check(context, coverage, value);
                    }
                }

                continue;
            }

            var exclusive = KnownSymbols.FindAttribute(method, known.HandlerAttribute);
            var shared = KnownSymbols.FindAttribute(method, known.SharedHandlerAttribute);
            if ((exclusive is not null || shared is not null) && HandlerShapes.HandlerSignatureProblem(known, method, kind, exclusive, shared) is null)
            {
                foreach (var value in HandlerShapes.HandlerTypes(known, method))
                {
                    Check(context, coverage, value);
                }
            }
        }
    }

    private static void Check(SymbolAnalysisContext context, System.Lazy<JsonCoverage> coverage, SerializedType value)
    {
        var type = value.Type;
        if (type.SpecialType == SpecialType.System_Void
            || type is IErrorTypeSymbol
            || Serializability.GeneratorRejects(type) is not null
            || Serializability.RuntimeProblem(type) is not null // DA1004: metadata would not help
            || ContainsErrors(type))
        {
            return;
        }

        var covered = coverage.Value;
        if (covered.IsCovered(type))
        {
            return;
        }

        if (type.IsReferenceType)
        {
            type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        }

        var typeOf = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(TypeProperty, typeOf);
        properties.Add(NamespaceProperty, value.Method.ContainingType.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "");
        if (!covered.SourceContexts.IsEmpty)
        {
            properties.Add(ContextProperty, DocumentationCommentId.CreateDeclarationId(covered.SourceContexts[0]));
        }

        var isTool = value.Role is SerializedRole.ToolParameter or SerializedRole.ToolResult;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.MissingJsonMetadata,
            TypeLocation(value, context.CancellationToken),
            properties.ToImmutable(),
            type.ToDisplayString(),
            isTool ? "tool" : "handler",
            value.Method.ContainingType.Name + "." + value.Method.Name,
            typeOf));
    }

    private static bool ContainsErrors(ITypeSymbol type) => type switch
    {
        IErrorTypeSymbol => true,
        IArrayTypeSymbol array => ContainsErrors(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrors),
        _ => false,
    };

    /// <summary>
    /// Where the type is written: the parameter's type, or the return type (its T for <c>Task&lt;T&gt;</c> and
    /// <c>ValueTask&lt;T&gt;</c>), so a <c>#pragma</c> or the squiggle sits on the type itself.
    /// </summary>
    private static Location TypeLocation(SerializedType value, CancellationToken cancellationToken)
    {
        var fallback = value.Parameter?.Locations.FirstOrDefault() ?? value.Method.Locations.FirstOrDefault() ?? Location.None;
        if (value.Parameter is { } parameter)
        {
            return parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is ParameterSyntax { Type: { } parameterType }
                ? parameterType.GetLocation()
                : fallback;
        }

        if (value.Method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration)
        {
            return fallback;
        }

        var returnType = declaration.ReturnType;
        if (!SymbolEqualityComparer.Default.Equals(value.Type, value.Method.ReturnType))
        {
            var generic = returnType switch
            {
                GenericNameSyntax g => g,
                QualifiedNameSyntax { Right: GenericNameSyntax g } => g,
                AliasQualifiedNameSyntax { Name: GenericNameSyntax g } => g,
                _ => null,
            };
            if (generic is { TypeArgumentList.Arguments.Count: 1 })
            {
                return generic.TypeArgumentList.Arguments[0].GetLocation();
            }
        }

        return returnType.GetLocation();
    }
}
