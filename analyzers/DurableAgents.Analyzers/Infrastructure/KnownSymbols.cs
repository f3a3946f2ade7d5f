using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Infrastructure;

/// <summary>The kind of durable class a type is, from its class attribute.</summary>
internal enum DurableKind
{
    None,
    Service,
    VirtualObject,
    Workflow,
    Agent,
    SessionAgent,
}

/// <summary>
/// The runtime types the rules refer to, resolved once per compilation from <see cref="KnownTypeNames"/>.
/// <see cref="Create"/> returns null when the DurableAgents runtime is not referenced: every analyzer then does nothing.
/// </summary>
internal sealed class KnownSymbols
{
    /// <summary><see cref="GetStepMode(IParameterSymbol?)"/> of delegate parameters found through interfaces and overrides.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ISymbol, StepMode> _inheritedModes = new(SymbolEqualityComparer.Default);

    private KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        ServiceAttribute = Get(compilation, KnownTypeNames.ServiceAttribute);
        VirtualObjectAttribute = Get(compilation, KnownTypeNames.VirtualObjectAttribute);
        WorkflowAttribute = Get(compilation, KnownTypeNames.WorkflowAttribute);
        DurableAgentAttribute = Get(compilation, KnownTypeNames.DurableAgentAttribute);
        HandlerAttribute = Get(compilation, KnownTypeNames.HandlerAttribute);
        SharedHandlerAttribute = Get(compilation, KnownTypeNames.SharedHandlerAttribute);
        DurableToolAttribute = Get(compilation, KnownTypeNames.DurableToolAttribute);
        DeterministicAttribute = Get(compilation, KnownTypeNames.DeterministicAttribute);
        IConfigureDurableAgent = Get(compilation, KnownTypeNames.IConfigureDurableAgent);
        RunsInDurableStepAttribute = Get(compilation, KnownTypeNames.RunsInDurableStepAttribute);
        IContext = Get(compilation, KnownTypeNames.IContext)!;
        ISharedObjectContext = Get(compilation, KnownTypeNames.ISharedObjectContext);
        IObjectContext = Get(compilation, KnownTypeNames.IObjectContext);
        ISharedWorkflowContext = Get(compilation, KnownTypeNames.ISharedWorkflowContext);
        IWorkflowContext = Get(compilation, KnownTypeNames.IWorkflowContext);
        DurableFuture = Get(compilation, KnownTypeNames.DurableFuture);
        DurableAwaiter = Get(compilation, KnownTypeNames.DurableAwaiter);
        DurableAwaiterOfT = Get(compilation, KnownTypeNames.DurableAwaiterOfT);
        Awakeable = Get(compilation, KnownTypeNames.Awakeable);
        DurablePromise = Get(compilation, KnownTypeNames.DurablePromise);
        TerminalException = Get(compilation, KnownTypeNames.TerminalException);
        InvocationClosedException = Get(compilation, KnownTypeNames.InvocationClosedException);
        IChatClient = Get(compilation, KnownTypeNames.IChatClient);
        ChatClientExtensions = Get(compilation, KnownTypeNames.ChatClientExtensions);
        AIFunction = Get(compilation, KnownTypeNames.AIFunction);
        SystemException = Get(compilation, "System.Exception");
        Task = Get(compilation, "System.Threading.Tasks.Task");
        TaskOfT = Get(compilation, "System.Threading.Tasks.Task`1");
        ValueTask = Get(compilation, "System.Threading.Tasks.ValueTask");
        ValueTaskOfT = Get(compilation, "System.Threading.Tasks.ValueTask`1");
    }

    public Compilation Compilation { get; }
    public INamedTypeSymbol? ServiceAttribute { get; }
    public INamedTypeSymbol? VirtualObjectAttribute { get; }
    public INamedTypeSymbol? WorkflowAttribute { get; }
    public INamedTypeSymbol? DurableAgentAttribute { get; }
    public INamedTypeSymbol? HandlerAttribute { get; }
    public INamedTypeSymbol? SharedHandlerAttribute { get; }
    public INamedTypeSymbol? DurableToolAttribute { get; }
    public INamedTypeSymbol? DeterministicAttribute { get; }
    public INamedTypeSymbol? IConfigureDurableAgent { get; }
    public INamedTypeSymbol? RunsInDurableStepAttribute { get; }
    public INamedTypeSymbol IContext { get; }
    public INamedTypeSymbol? ISharedObjectContext { get; }
    public INamedTypeSymbol? IObjectContext { get; }
    public INamedTypeSymbol? ISharedWorkflowContext { get; }
    public INamedTypeSymbol? IWorkflowContext { get; }
    public INamedTypeSymbol? DurableFuture { get; }
    public INamedTypeSymbol? DurableAwaiter { get; }
    public INamedTypeSymbol? DurableAwaiterOfT { get; }
    public INamedTypeSymbol? Awakeable { get; }
    public INamedTypeSymbol? DurablePromise { get; }
    public INamedTypeSymbol? TerminalException { get; }
    public INamedTypeSymbol? InvocationClosedException { get; }
    public INamedTypeSymbol? IChatClient { get; }
    public INamedTypeSymbol? ChatClientExtensions { get; }
    public INamedTypeSymbol? AIFunction { get; }
    public INamedTypeSymbol? SystemException { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }

    /// <summary>The known symbols, or null when the compilation does not reference the DurableAgents runtime.</summary>
    public static KnownSymbols? Create(Compilation compilation)
    {
        if (Get(compilation, KnownTypeNames.IContext) is null)
        {
            return null;
        }

        return new KnownSymbols(compilation);
    }

    /// <summary>
    /// <see cref="Compilation.GetTypeByMetadataName"/> returns null when a name is defined twice; prefer the
    /// compilation's own type, then a type from the DurableAgents assembly, then the first accessible one.
    /// </summary>
    internal static INamedTypeSymbol? Get(Compilation compilation, string metadataName)
    {
        var single = compilation.GetTypeByMetadataName(metadataName);
        if (single is not null)
        {
            return single;
        }

        ImmutableArray<INamedTypeSymbol> all = compilation.GetTypesByMetadataName(metadataName);
        INamedTypeSymbol? best = null;
        foreach (var candidate in all)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, compilation.Assembly))
            {
                return candidate;
            }

            if (candidate.ContainingAssembly?.Name == "DurableAgents")
            {
                best = candidate;
            }
            else if (best is null && candidate.DeclaredAccessibility == Accessibility.Public)
            {
                best = candidate;
            }
        }

        return best;
    }

    public DurableKind GetDurableKind(INamedTypeSymbol? type)
    {
        if (type is null || type.TypeKind != TypeKind.Class)
        {
            return DurableKind.None;
        }

        foreach (var attribute in type.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null)
            {
                continue;
            }

            if (Is(attributeClass, ServiceAttribute))
            {
                return DurableKind.Service;
            }

            if (Is(attributeClass, VirtualObjectAttribute))
            {
                return DurableKind.VirtualObject;
            }

            if (Is(attributeClass, WorkflowAttribute))
            {
                return DurableKind.Workflow;
            }

            if (Is(attributeClass, DurableAgentAttribute))
            {
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Session" && named.Value.Value is true)
                    {
                        return DurableKind.SessionAgent;
                    }
                }

                return DurableKind.Agent;
            }
        }

        return DurableKind.None;
    }

    public static bool Is(ISymbol? symbol, ISymbol? other) =>
        symbol is not null && other is not null && SymbolEqualityComparer.Default.Equals(symbol, other);

    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
        {
            return null;
        }

        foreach (var attribute in symbol.GetAttributes())
        {
            if (Is(attribute.AttributeClass, attributeType))
            {
                return attribute;
            }
        }

        return null;
    }

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attributeType) => FindAttribute(symbol, attributeType) is not null;

    public bool IsHandler(IMethodSymbol method) =>
        HasAttribute(method, HandlerAttribute) || HasAttribute(method, SharedHandlerAttribute);

    public bool IsTool(IMethodSymbol method) => HasAttribute(method, DurableToolAttribute);

    /// <summary>True for a method (or an accessor of a property) marked <c>[Deterministic]</c>.</summary>
    public bool IsMarkedDeterministic(IMethodSymbol method)
    {
        if (DeterministicAttribute is null)
        {
            return false;
        }

        if (HasAttribute(method, DeterministicAttribute))
        {
            return true;
        }

        return method.AssociatedSymbol is IPropertySymbol property && HasAttribute(property, DeterministicAttribute);
    }

    /// <summary>
    /// A durable entry point: a <c>[Handler]</c>/<c>[SharedHandler]</c> method of a durable class; of a
    /// <c>[DurableAgent]</c> class, what runs on every attempt of its <c>run</c> handler: the
    /// <c>IConfigureDurableAgent</c> implementation, and non-private instance property getters. Other agent methods
    /// (helpers, whatever their accessibility) are checked only when an entry point reaches them outside a step, so a
    /// helper that only tools call is not durable code.
    /// </summary>
    public bool IsEntryPoint(IMethodSymbol method)
    {
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.ExplicitInterfaceImplementation))
        {
            return false;
        }

        var kind = GetDurableKind(method.ContainingType);
        if (kind == DurableKind.None || IsMarkedDeterministic(method))
        {
            return false;
        }

        if (method.MethodKind == MethodKind.Ordinary && IsHandler(method))
        {
            return true;
        }

        if (kind is DurableKind.Agent or DurableKind.SessionAgent)
        {
            if (method.IsStatic)
            {
                return false;
            }

            return method.MethodKind == MethodKind.PropertyGet
                ? !method.IsOverride && method.DeclaredAccessibility != Accessibility.Private
                : ImplementsConfigure(method);
        }

        return false;
    }

    /// <summary>The method implements a member of <c>IConfigureDurableAgent</c> (implicitly or explicitly).</summary>
    private bool ImplementsConfigure(IMethodSymbol method)
    {
        if (IConfigureDurableAgent is null)
        {
            return false;
        }

        foreach (var explicitMember in method.ExplicitInterfaceImplementations)
        {
            if (Is(explicitMember.ContainingType, IConfigureDurableAgent))
            {
                return true;
            }
        }

        foreach (var member in IConfigureDurableAgent.GetMembers())
        {
            if (member is IMethodSymbol && Is(method.ContainingType.FindImplementationForInterfaceMember(member), method))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for one of the context interfaces, or a type that implements <c>IContext</c>.</summary>
    public bool IsContextType(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (Is(type.OriginalDefinition, IContext))
        {
            return true;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (Is(@interface, IContext))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for <c>DurableFuture</c>, <c>DurableFuture&lt;T&gt;</c> and their subclasses.</summary>
    public bool IsDurableFuture(ITypeSymbol? type)
    {
        if (DurableFuture is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Is(current.OriginalDefinition, DurableFuture))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A value that completes through the journal: a durable future, an awakeable or a durable promise.</summary>
    public bool IsDurableAwaitable(ITypeSymbol? type) =>
        IsDurableFuture(type)
        || (type is not null && (Is(type.OriginalDefinition, Awakeable) || Is(type.OriginalDefinition, DurablePromise)));

    /// <summary>
    /// How the runtime runs what is passed to <paramref name="parameter"/>: from <c>[RunsInDurableStep]</c> on the
    /// parameter, or on the matching parameter of the interface member or overridden method it implements (a call on a
    /// concrete context type binds to the implementation, whose parameters carry no attribute).
    /// </summary>
    public StepMode GetStepMode(IParameterSymbol? parameter)
    {
        if (parameter is null || RunsInDurableStepAttribute is null)
        {
            return StepMode.None;
        }

        var direct = ModeOf(parameter);
        if (direct != StepMode.None || parameter.ContainingSymbol is not IMethodSymbol method || parameter.Type.TypeKind != TypeKind.Delegate)
        {
            return direct;
        }

        return _inheritedModes.GetOrAdd(parameter, p => InheritedMode((IParameterSymbol)p, method));
    }

    /// <summary>How the runtime runs a delegate assigned to <paramref name="property"/> (<c>[RunsInDurableStep]</c>).</summary>
    public StepMode GetStepMode(IPropertySymbol? property)
    {
        for (var current = property; current is not null; current = current.OverriddenProperty)
        {
            var mode = ModeOf(current);
            if (mode != StepMode.None)
            {
                return mode;
            }
        }

        return StepMode.None;
    }

    private StepMode InheritedMode(IParameterSymbol parameter, IMethodSymbol method)
    {
        var ordinal = parameter.Ordinal;
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (ordinal < overridden.Parameters.Length && ModeOf(overridden.Parameters[ordinal]) is var mode and not StepMode.None)
            {
                return mode;
            }
        }

        foreach (var explicitImplementation in method.ExplicitInterfaceImplementations)
        {
            if (ordinal < explicitImplementation.Parameters.Length && ModeOf(explicitImplementation.Parameters[ordinal]) is var mode and not StepMode.None)
            {
                return mode;
            }
        }

        var type = method.ContainingType;
        if (method.IsStatic || type is null || type.TypeKind == TypeKind.Interface)
        {
            return StepMode.None;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers(method.Name))
            {
                if (member is IMethodSymbol candidate
                    && ordinal < candidate.Parameters.Length
                    && Is(type.FindImplementationForInterfaceMember(candidate)?.OriginalDefinition, method.OriginalDefinition)
                    && ModeOf(candidate.Parameters[ordinal]) is var mode and not StepMode.None)
                {
                    return mode;
                }
            }
        }

        return StepMode.None;
    }

    private StepMode ModeOf(ISymbol symbol)
    {
        var attribute = FindAttribute(symbol, RunsInDurableStepAttribute);
        if (attribute is null)
        {
            return StepMode.None;
        }

        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "ReturnedDelegate" && named.Value.Value is true)
            {
                return StepMode.ReturnedDelegate;
            }
        }

        return StepMode.Delegate;
    }

    /// <summary>True for a member declared by one of the context interfaces.</summary>
    public bool IsContextMember(ISymbol member) => member.ContainingType is { } type && IsContextType(type);

    /// <summary>True if the exception type is <c>System.Exception</c> or <c>object</c> (a catch-all).</summary>
    public bool IsCatchAll(ITypeSymbol? type) =>
        type is null || type.SpecialType == SpecialType.System_Object || Is(type, SystemException);
}
