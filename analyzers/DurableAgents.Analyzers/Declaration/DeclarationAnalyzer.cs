using DurableAgents.Generator.Parsing;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>
/// DA1001–DA1008: the shapes the source generator accepts. The generator emits nothing for an invalid shape; these
/// rules say why. They mirror generator/DurableAgents.Generator/Parsing/{ServiceParser,AgentParser}.cs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.DurableClassMustBePartial,
        DiagnosticDescriptors.InvalidHandlerSignature,
        DiagnosticDescriptors.DuplicateHandlerOrToolName,
        DiagnosticDescriptors.TypeNotJsonSerializable,
        DiagnosticDescriptors.ToolWithoutDescription,
        DiagnosticDescriptors.HandlerOutsideDurableClass,
        DiagnosticDescriptors.InvalidDurableClass,
        DiagnosticDescriptors.InvalidToolSignature);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (known is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeType(c, known), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var kind = known.GetDurableKind(type);
        if (kind == DurableKind.None)
        {
            ReportIgnoredAttributes(context, known, type, kind);
            return;
        }

        var attributeName = AttributeName(kind);
        CheckPartial(context, type, attributeName);
        CheckClassShape(context, known, type, kind);
        ReportIgnoredAttributes(context, known, type, kind);

        if (kind is DurableKind.Agent or DurableKind.SessionAgent)
        {
            CheckTools(context, known, type);
        }
        else
        {
            CheckHandlers(context, known, type, kind);
        }
    }

    private static string AttributeName(DurableKind kind) => kind switch
    {
        DurableKind.Service => "Service",
        DurableKind.VirtualObject => "VirtualObject",
        DurableKind.Workflow => "Workflow",
        _ => "DurableAgent",
    };

    // ------------------------------------------------------------------ DA1001

    private static void CheckPartial(SymbolAnalysisContext context, INamedTypeSymbol type, string attributeName)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DurableClassMustBePartial,
                    declaration.Identifier.GetLocation(),
                    type.Name,
                    attributeName,
                    "it"));
                return;
            }

            for (var parent = declaration.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
            {
                if (!parent.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.DurableClassMustBePartial,
                        declaration.Identifier.GetLocation(),
                        type.Name,
                        attributeName,
                        "its containing type '" + parent.Identifier.ValueText + "'"));
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ DA1007

    private static void CheckClassShape(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol type, DurableKind kind)
    {
        var location = type.Locations.FirstOrDefault() ?? Location.None;
        string? reason = null;
        var kinds = 0;
        foreach (var attribute in new[] { known.ServiceAttribute, known.VirtualObjectAttribute, known.WorkflowAttribute, known.DurableAgentAttribute })
        {
            if (KnownSymbols.HasAttribute(type, attribute))
            {
                kinds++;
            }
        }

        if (kinds > 1)
        {
            reason = "it has more than one of [Service], [VirtualObject], [Workflow] and [DurableAgent]";
        }
        else if (type.IsGenericType)
        {
            reason = "generic classes are not supported";
        }
        else if (type.IsAbstract && !type.IsStatic)
        {
            reason = "abstract classes are not supported (the handlers are called on an instance)";
        }
        else if (type.IsFileLocal)
        {
            reason = "file-local classes are not supported";
        }
        else if (kind == DurableKind.Workflow)
        {
            var runHandlers = type.GetMembers().OfType<IMethodSymbol>().Count(m => KnownSymbols.HasAttribute(m, known.HandlerAttribute));
            if (runHandlers != 1)
            {
                reason = $"a workflow has exactly one [Handler] (its run handler) and any number of [SharedHandler]s; found {runHandlers}";
            }
        }

        if (reason is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidDurableClass, location, type.Name, reason));
        }
    }

    // ------------------------------------------------------------------ DA1006

    private static void ReportIgnoredAttributes(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol type, DurableKind kind)
    {
        var isService = kind is DurableKind.Service or DurableKind.VirtualObject or DurableKind.Workflow;
        var isAgent = kind is DurableKind.Agent or DurableKind.SessionAgent;
        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            if (!isService)
            {
                var handler = KnownSymbols.FindAttribute(method, known.HandlerAttribute) ?? KnownSymbols.FindAttribute(method, known.SharedHandlerAttribute);
                if (handler is not null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.HandlerOutsideDurableClass,
                        method.Locations.FirstOrDefault(),
                        method.Name,
                        handler.AttributeClass!.Name.Replace("Attribute", ""),
                        "[Service], [VirtualObject] or [Workflow]"));
                }
            }

            if (!isAgent && known.IsTool(method))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.HandlerOutsideDurableClass,
                    method.Locations.FirstOrDefault(),
                    method.Name,
                    "DurableTool",
                    "[DurableAgent]"));
            }
        }
    }

    // ------------------------------------------------------------------ DA1002, DA1003, DA1004 (handlers)

    private static void CheckHandlers(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol type, DurableKind kind)
    {
        var names = new Dictionary<string, IMethodSymbol>(System.StringComparer.Ordinal);
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            var exclusive = KnownSymbols.FindAttribute(method, known.HandlerAttribute);
            var shared = KnownSymbols.FindAttribute(method, known.SharedHandlerAttribute);
            if (exclusive is null && shared is null)
            {
                continue;
            }

            var location = method.Locations.FirstOrDefault() ?? Location.None;
            var reason = HandlerShapes.HandlerSignatureProblem(known, method, kind, exclusive, shared);
            if (reason is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidHandlerSignature, location, method.Name, reason));
            }
            else
            {
                CheckHandlerTypes(context, known, method, location);
            }

            var name = StringArgument(exclusive ?? shared!) ?? Naming.DefaultHandlerName(method.Name);
            if (names.TryGetValue(name, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateHandlerOrToolName, location, "Handler", name, type.Name, first.Name));
            }
            else
            {
                names.Add(name, method);
            }
        }
    }

    private static void CheckHandlerTypes(SymbolAnalysisContext context, KnownSymbols known, IMethodSymbol method, Location location)
    {
        foreach (var value in HandlerShapes.HandlerTypes(known, method))
        {
            ReportRuntimeProblem(context, value, location);
        }
    }

    /// <summary>DA1004 for one serialized value: inputs and parameters at the parameter, results at the method.</summary>
    private static void ReportRuntimeProblem(SymbolAnalysisContext context, SerializedType value, Location location)
    {
        if (Serializability.RuntimeProblem(value.Type) is not { } why)
        {
            return;
        }

        var what = value.Role switch
        {
            SerializedRole.HandlerInput => $"The input '{value.Parameter!.Name}'",
            SerializedRole.ToolParameter => $"Parameter '{value.Parameter!.Name}'",
            _ => "The result",
        };
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.TypeNotJsonSerializable,
            value.Parameter?.Locations.FirstOrDefault() ?? location,
            what,
            value.Method.Name,
            value.Type.ToDisplayString(),
            why));
    }

    // ------------------------------------------------------------------ DA1003, DA1004, DA1005, DA1008 (tools)

    private static void CheckTools(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol type)
    {
        var names = new Dictionary<string, IMethodSymbol>(System.StringComparer.Ordinal);
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            var attribute = KnownSymbols.FindAttribute(method, known.DurableToolAttribute);
            if (attribute is null)
            {
                continue;
            }

            var location = method.Locations.FirstOrDefault() ?? Location.None;
            var reason = HandlerShapes.ToolSignatureProblem(known, method);
            if (reason is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidToolSignature, location, method.Name, reason));
            }
            else
            {
                CheckToolTypes(context, known, method, location);
            }

            var name = StringArgument(attribute) ?? Naming.SnakeCase(method.Name);
            if (names.TryGetValue(name, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateHandlerOrToolName, location, "Tool", name, type.Name, first.Name));
            }
            else
            {
                names.Add(name, method);
            }

            if (!HasDescription(method, attribute, context.CancellationToken))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ToolWithoutDescription, location, method.Name));
            }
        }
    }

    private static void CheckToolTypes(SymbolAnalysisContext context, KnownSymbols known, IMethodSymbol method, Location location)
    {
        foreach (var value in HandlerShapes.ToolTypes(known, method))
        {
            ReportRuntimeProblem(context, value, location);
        }
    }

    /// <summary>A description from the attribute, <c>[Description]</c>, or an XML doc comment with a summary.</summary>
    private static bool HasDescription(IMethodSymbol method, AttributeData attribute, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Description" && named.Value.Value is string text && !string.IsNullOrWhiteSpace(text))
            {
                return true;
            }
        }

        foreach (var other in method.GetAttributes())
        {
            if (other.AttributeClass is { Name: "DescriptionAttribute" } description
                && description.ContainingNamespace?.ToDisplayString() == "System.ComponentModel"
                && other.ConstructorArguments.Length == 1
                && other.ConstructorArguments[0].Value is string text
                && !string.IsNullOrWhiteSpace(text))
            {
                return true;
            }
        }

        // Doc comments are read from the syntax so that this works without GenerateDocumentationFile.
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            foreach (var trivia in reference.GetSyntax(cancellationToken).GetLeadingTrivia())
            {
                if ((trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia)
                        || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia)
                        || trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
                    && trivia.ToFullString().Contains("<summary>"))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? StringArgument(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name ? name : null;
}
