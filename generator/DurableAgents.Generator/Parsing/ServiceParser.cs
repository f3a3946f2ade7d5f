using System.Collections.Generic;
using System.Threading;
using DurableAgents.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.Generator.Parsing;

/// <summary>
/// Turns an annotated class into a <see cref="ServiceModel"/>, or null when its shape is invalid (the analyzers
/// explain why; the generator stays silent). The accepted shapes are listed in docs/generator.md.
/// </summary>
internal static class ServiceParser
{
    private static readonly string[] KindAttributes =
    [
        KnownTypeNames.ServiceAttribute,
        KnownTypeNames.VirtualObjectAttribute,
        KnownTypeNames.WorkflowAttribute,
    ];

    public static ServiceModel? Parse(GeneratorAttributeSyntaxContext context, ServiceKind kind, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            return null;
        }

        if (!IsValidClass(type, declaration))
        {
            return null;
        }

        // Exactly one kind attribute.
        var kinds = 0;
        foreach (var name in KindAttributes)
        {
            if (type.FindAttribute(name) is not null)
            {
                kinds++;
            }
        }

        if (kinds != 1 || context.Attributes.Length != 1)
        {
            return null;
        }

        var serviceName = context.Attributes[0].StringArgument() ?? type.Name;
        if (serviceName.Length == 0)
        {
            return null;
        }

        var hierarchy = SymbolHelpers.GetHierarchy(type, declaration);
        if (hierarchy is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var handlers = new List<HandlerModel>();
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var clientsPossible = true;
        var clientsPublic = true;
        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            var exclusive = method.FindAttribute(KnownTypeNames.HandlerAttribute);
            var shared = method.FindAttribute(KnownTypeNames.SharedHandlerAttribute);
            if (exclusive is null && shared is null)
            {
                continue;
            }

            if (exclusive is not null && shared is not null)
            {
                return null;
            }

            var handlerKind = (kind, shared is not null) switch
            {
                (ServiceKind.Service, false) => HandlerKind.None,
                (ServiceKind.Service, true) => (HandlerKind?)null,
                (ServiceKind.VirtualObject, false) => HandlerKind.Exclusive,
                (ServiceKind.Workflow, false) => HandlerKind.Workflow,
                _ => HandlerKind.Shared,
            };
            if (handlerKind is null)
            {
                return null;
            }

            var handler = ParseHandler(method, (exclusive ?? shared)!, handlerKind.Value, kind, cancellationToken);
            if (handler is null || !names.Add(handler.Name))
            {
                return null;
            }

            foreach (var t in SignatureTypes(method))
            {
                var accessibility = SymbolHelpers.EffectiveAccessibility(t);
                clientsPossible &= SymbolHelpers.IsAssemblyVisible(accessibility);
                clientsPublic &= accessibility == Accessibility.Public;
            }

            handlers.Add(handler);
        }

        // A workflow has exactly one run handler.
        if (kind == ServiceKind.Workflow && handlers.FindAll(h => h.Kind == HandlerKind.Workflow).Count != 1)
        {
            return null;
        }

        var classAccessibility = SymbolHelpers.EffectiveAccessibility(type);
        var clientAccessibility = !clientsPossible ? null
            : clientsPublic && classAccessibility == Accessibility.Public ? "public"
            : "internal";

        return new ServiceModel(
            SymbolHelpers.HintName(type, "Restate"),
            hierarchy,
            Naming.Identifier(type.Name),
            type.ToFullyQualified(),
            type.IsStatic,
            serviceName,
            kind,
            handlers.ToEquatableArray(),
            clientAccessibility,
            SymbolHelpers.IsAssemblyVisible(classAccessibility));
    }

    /// <summary>Partial at every level, not generic, not file-local, not abstract (unless static).</summary>
    internal static bool IsValidClass(INamedTypeSymbol type, TypeDeclarationSyntax declaration)
        => SymbolHelpers.HasPartialModifier(declaration)
            && !type.IsGenericType
            && !type.IsFileLocal
            && (type.IsStatic || !type.IsAbstract);

    private static IEnumerable<ITypeSymbol> SignatureTypes(IMethodSymbol method)
    {
        foreach (var p in method.Parameters)
        {
            if (ContextRank(p.Type) is null)
            {
                yield return p.Type;
            }
        }

        if (method.ReturnType is INamedTypeSymbol { IsGenericType: true } r)
        {
            yield return r.TypeArguments[0];
        }
    }

    private static HandlerModel? ParseHandler(IMethodSymbol method, AttributeData attribute, HandlerKind kind, ServiceKind serviceKind, CancellationToken cancellationToken)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsGenericMethod || method.IsAbstract || method.Parameters.Length > 2)
        {
            return null;
        }

        var name = attribute.StringArgument() ?? Naming.DefaultHandlerName(method.Name);
        if (name.Length == 0)
        {
            return null;
        }

        // Parameters: [context] [input].
        string? contextType = null;
        IParameterSymbol? input = null;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var p = method.Parameters[i];
            if (p.RefKind != RefKind.None || p.IsParams || p.Type.IsRefLikeType || p.Type is ITypeParameterSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            {
                return null;
            }

            var rank = ContextRank(p.Type);
            if (rank is not null)
            {
                if (i != 0 || !ContextAllowed(rank.Value, kind, serviceKind))
                {
                    return null;
                }

                contextType = "global::" + ContextNames[rank.Value];
            }
            else
            {
                if (input is not null || p.Type.TypeKind == TypeKind.Delegate || SymbolHelpers.IsNamed(p.Type, "System.Threading.CancellationToken")
                    || p.Type.SpecialType == SpecialType.System_Void || !IsSerializable(p.Type))
                {
                    return null;
                }

                input = p;
            }
        }

        // Return: Task, Task<T>, ValueTask, ValueTask<T>.
        if (method.ReturnType is not INamedTypeSymbol returnType)
        {
            return null;
        }

        ReturnKind returnKind;
        ITypeSymbol? output = null;
        var original = returnType.OriginalDefinition;
        if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.Task"))
        {
            returnKind = ReturnKind.Task;
        }
        else if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.ValueTask"))
        {
            returnKind = ReturnKind.ValueTask;
        }
        else if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.Task`1"))
        {
            returnKind = ReturnKind.TaskOfT;
            output = returnType.TypeArguments[0];
        }
        else if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.ValueTask`1"))
        {
            returnKind = ReturnKind.ValueTaskOfT;
            output = returnType.TypeArguments[0];
        }
        else
        {
            return null;
        }

        if (output is not null && !IsSerializable(output))
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var inputNullable = input is not null && JsonSchemaBuilder.IsNullable(input.Type);
        string? inputDefault = null;
        if (input is { HasExplicitDefaultValue: true })
        {
            inputDefault = SymbolHelpers.DefaultLiteral(input, input.Type.ToFullyQualified());
            if (inputDefault is null)
            {
                return null;
            }
        }

        return new HandlerModel(
            name,
            Naming.Identifier(method.Name),
            Naming.TrimAsync(method.Name),
            method.IsStatic,
            kind,
            contextType,
            input?.Type.ToFullyQualified(),
            input is not null && !inputNullable && inputDefault is null,
            inputDefault,
            input is null ? null : JsonSchemaBuilder.Build(input.Type, inputNullable, cancellationToken),
            output?.ToFullyQualified(),
            output is null ? null : JsonSchemaBuilder.Build(output, JsonSchemaBuilder.IsNullable(output), cancellationToken),
            returnKind);
    }

    /// <summary>Types that can travel as JSON: not open generic, not pointers, delegates or ref structs.</summary>
    internal static bool IsSerializable(ITypeSymbol type)
        => type is not (ITypeParameterSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol)
            && !type.IsRefLikeType
            && type.TypeKind != TypeKind.Delegate
            && type.SpecialType != SpecialType.System_Void
            && (type is not IArrayTypeSymbol a || IsSerializable(a.ElementType))
            && (type is not INamedTypeSymbol n || System.Linq.Enumerable.All(n.TypeArguments, IsSerializable));

    /// <summary>The context interfaces by <see cref="ContextRank"/>.</summary>
    private static readonly string[] ContextNames =
    [
        KnownTypeNames.IContext,
        KnownTypeNames.ISharedObjectContext,
        KnownTypeNames.IObjectContext,
        KnownTypeNames.ISharedWorkflowContext,
        KnownTypeNames.IWorkflowContext,
    ];

    /// <summary>0 = IContext, 1 = ISharedObjectContext, 2 = IObjectContext, 3 = ISharedWorkflowContext, 4 = IWorkflowContext; null = not a context.</summary>
    internal static int? ContextRank(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Interface)
        {
            return null;
        }

        if (SymbolHelpers.IsNamed(type, KnownTypeNames.IContext)) return 0;
        if (SymbolHelpers.IsNamed(type, KnownTypeNames.ISharedObjectContext)) return 1;
        if (SymbolHelpers.IsNamed(type, KnownTypeNames.IObjectContext)) return 2;
        if (SymbolHelpers.IsNamed(type, KnownTypeNames.ISharedWorkflowContext)) return 3;
        if (SymbolHelpers.IsNamed(type, KnownTypeNames.IWorkflowContext)) return 4;
        return null;
    }

    /// <summary>
    /// The context a handler may take: its own kind's context or a less capable one it derives from. Service:
    /// IContext. Exclusive: IContext, ISharedObjectContext, IObjectContext. Shared object handler: IContext,
    /// ISharedObjectContext. Workflow run: any. Shared workflow handler: IContext, ISharedObjectContext,
    /// ISharedWorkflowContext.
    /// </summary>
    private static bool ContextAllowed(int rank, HandlerKind kind, ServiceKind serviceKind) => kind switch
    {
        HandlerKind.None => rank == 0,
        HandlerKind.Exclusive => rank is 0 or 1 or 2,
        HandlerKind.Workflow => true,
        _ => rank is 0 or 1 || (rank == 3 && serviceKind == ServiceKind.Workflow),
    };
}
