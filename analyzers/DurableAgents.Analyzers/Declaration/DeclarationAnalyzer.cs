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
            var reason = HandlerSignatureProblem(known, method, kind, exclusive, shared);
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

    private static string? HandlerSignatureProblem(KnownSymbols known, IMethodSymbol method, DurableKind kind, AttributeData? exclusive, AttributeData? shared)
    {
        if (exclusive is not null && shared is not null)
        {
            return "it is marked both [Handler] and [SharedHandler]";
        }

        if (shared is not null && kind == DurableKind.Service)
        {
            return "a [Service] has no shared handlers; use [Handler]";
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            return "only ordinary methods can be handlers";
        }

        if (method.IsGenericMethod)
        {
            return "a handler cannot be generic";
        }

        if (method.IsAbstract)
        {
            return "a handler cannot be abstract";
        }

        var isShared = shared is not null;
        var inputs = 0;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                return $"parameter '{parameter.Name}' is passed by reference or as params; pass the input by value";
            }

            var rank = ContextRank(known, parameter.Type);
            if (rank is not null)
            {
                if (i != 0)
                {
                    return $"the context parameter '{parameter.Name}' must come first";
                }

                if (!ContextAllowed(rank.Value, kind, isShared))
                {
                    return $"'{parameter.Type.Name}' is not the context of {HandlerDescription(kind, isShared)}; use {AllowedContexts(kind, isShared)}";
                }

                continue;
            }

            if (parameter.Type.Name == "CancellationToken" && parameter.Type.ContainingNamespace?.ToDisplayString() == "System.Threading")
            {
                return $"parameter '{parameter.Name}' is a CancellationToken; use the context's CancellationToken instead";
            }

            if (Serializability.GeneratorRejects(parameter.Type) is { } why)
            {
                return $"the input '{parameter.Name}' has type '{parameter.Type.ToDisplayString()}': {why}";
            }

            inputs++;
        }

        if (inputs > 1)
        {
            return $"a handler takes the context and at most one input, found {inputs} inputs; wrap them in a record";
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            return null; // DA3004 reports async void
        }

        var output = ReturnedValueType(known, method.ReturnType, out var returnsTask);
        if (!returnsTask)
        {
            return $"it returns '{method.ReturnType.ToDisplayString()}'; a handler returns Task, Task<T>, ValueTask or ValueTask<T>";
        }

        if (output is not null && Serializability.GeneratorRejects(output) is { } outputWhy)
        {
            return $"the result type '{output.ToDisplayString()}' {outputWhy}";
        }

        return null;
    }

    /// <summary>The T of Task&lt;T&gt;/ValueTask&lt;T&gt; (null for Task/ValueTask); <paramref name="isTask"/> false for anything else.</summary>
    private static ITypeSymbol? ReturnedValueType(KnownSymbols known, ITypeSymbol returnType, out bool isTask)
    {
        isTask = true;
        var original = returnType.OriginalDefinition;
        if (KnownSymbols.Is(original, known.Task) || KnownSymbols.Is(original, known.ValueTask))
        {
            return null;
        }

        if ((KnownSymbols.Is(original, known.TaskOfT) || KnownSymbols.Is(original, known.ValueTaskOfT)) && returnType is INamedTypeSymbol named)
        {
            return named.TypeArguments[0];
        }

        isTask = false;
        return null;
    }

    /// <summary>0 IContext, 1 ISharedObjectContext, 2 IObjectContext, 3 ISharedWorkflowContext, 4 IWorkflowContext.</summary>
    private static int? ContextRank(KnownSymbols known, ITypeSymbol type)
    {
        if (KnownSymbols.Is(type, known.IContext)) return 0;
        if (KnownSymbols.Is(type, known.ISharedObjectContext)) return 1;
        if (KnownSymbols.Is(type, known.IObjectContext)) return 2;
        if (KnownSymbols.Is(type, known.ISharedWorkflowContext)) return 3;
        if (KnownSymbols.Is(type, known.IWorkflowContext)) return 4;
        return null;
    }

    private static bool ContextAllowed(int rank, DurableKind kind, bool shared) => (kind, shared) switch
    {
        (DurableKind.Service, _) => rank == 0,
        (DurableKind.VirtualObject, false) => rank is 0 or 1 or 2,
        (DurableKind.Workflow, false) => true,
        (DurableKind.Workflow, true) => rank is 0 or 1 or 3,
        _ => rank is 0 or 1,
    };

    private static string HandlerDescription(DurableKind kind, bool shared) => (kind, shared) switch
    {
        (DurableKind.Service, _) => "a service handler",
        (DurableKind.VirtualObject, false) => "an exclusive Virtual Object handler",
        (DurableKind.VirtualObject, true) => "a shared Virtual Object handler",
        (DurableKind.Workflow, false) => "a workflow run handler",
        _ => "a shared workflow handler",
    };

    private static string AllowedContexts(DurableKind kind, bool shared) => (kind, shared) switch
    {
        (DurableKind.Service, _) => "IContext",
        (DurableKind.VirtualObject, false) => "IObjectContext (or ISharedObjectContext, IContext)",
        (DurableKind.VirtualObject, true) => "ISharedObjectContext (or IContext)",
        (DurableKind.Workflow, false) => "IWorkflowContext",
        _ => "ISharedWorkflowContext (or ISharedObjectContext, IContext)",
    };

    private static void CheckHandlerTypes(SymbolAnalysisContext context, KnownSymbols known, IMethodSymbol method, Location location)
    {
        foreach (var parameter in method.Parameters)
        {
            if (ContextRank(known, parameter.Type) is null && Serializability.RuntimeProblem(parameter.Type) is { } why)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TypeNotJsonSerializable,
                    parameter.Locations.FirstOrDefault() ?? location,
                    $"The input '{parameter.Name}'",
                    method.Name,
                    parameter.Type.ToDisplayString(),
                    why));
            }
        }

        var output = ReturnedValueType(known, method.ReturnType, out _);
        if (output is not null && Serializability.RuntimeProblem(output) is { } outputWhy)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TypeNotJsonSerializable,
                location,
                "The result",
                method.Name,
                output.ToDisplayString(),
                outputWhy));
        }
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
            var reason = ToolSignatureProblem(known, method);
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

    private static string? ToolSignatureProblem(KnownSymbols known, IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return "only ordinary methods can be tools";
        }

        if (method.IsGenericMethod)
        {
            return "a tool cannot be generic";
        }

        if (method.IsAbstract)
        {
            return "a tool cannot be abstract";
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                return $"parameter '{parameter.Name}' is passed by reference or as params";
            }

            if (parameter.Type.Name == "CancellationToken" && parameter.Type.ContainingNamespace?.ToDisplayString() == "System.Threading")
            {
                continue;
            }

            if (ContextRank(known, parameter.Type) is not null)
            {
                return $"parameter '{parameter.Name}' is a durable context; a tool body is a step and cannot make durable calls";
            }

            if (Serializability.GeneratorRejects(parameter.Type) is { } why)
            {
                return $"parameter '{parameter.Name}' has type '{parameter.Type.ToDisplayString()}': {why}";
            }
        }

        if (method.IsAsync && method.ReturnsVoid)
        {
            return null; // DA3004
        }

        var output = ReturnedValueType(known, method.ReturnType, out var isTask);
        var result = isTask ? output : method.ReturnsVoid ? null : method.ReturnType;
        if (result is not null && Serializability.GeneratorRejects(result) is { } resultWhy)
        {
            return $"the result type '{result.ToDisplayString()}': {resultWhy}";
        }

        return null;
    }

    private static void CheckToolTypes(SymbolAnalysisContext context, KnownSymbols known, IMethodSymbol method, Location location)
    {
        foreach (var parameter in method.Parameters)
        {
            if (Serializability.RuntimeProblem(parameter.Type) is { } why)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TypeNotJsonSerializable,
                    parameter.Locations.FirstOrDefault() ?? location,
                    $"Parameter '{parameter.Name}'",
                    method.Name,
                    parameter.Type.ToDisplayString(),
                    why));
            }
        }

        var output = ReturnedValueType(known, method.ReturnType, out var isTask);
        var result = isTask ? output : method.ReturnsVoid ? null : method.ReturnType;
        if (result is not null && Serializability.RuntimeProblem(result) is { } resultWhy)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TypeNotJsonSerializable,
                location,
                "The result",
                method.Name,
                result.ToDisplayString(),
                resultWhy));
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
