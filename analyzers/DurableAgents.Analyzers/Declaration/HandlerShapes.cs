using System.Collections.Generic;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>What a serialized handler or tool value is: a handler input, a handler result, a tool parameter or a tool result.</summary>
internal enum SerializedRole
{
    HandlerInput,
    HandlerResult,
    ToolParameter,
    ToolResult,
}

/// <summary>
/// One value the generated code serializes as JSON: <paramref name="Parameter"/> is null for a result. The walk that
/// yields these is shared by DA1004 (can System.Text.Json serialize it at all?) and DA1009 (does the assembly have
/// source-generated metadata for it?).
/// </summary>
internal readonly record struct SerializedType(IMethodSymbol Method, IParameterSymbol? Parameter, ITypeSymbol Type, SerializedRole Role);

/// <summary>
/// The handler and tool shapes the generator accepts (mirrors generator/DurableAgents.Generator/Parsing/ServiceParser.cs
/// and AgentParser.cs), and the types the generated code serializes for an accepted one.
/// </summary>
internal static class HandlerShapes
{
    /// <summary>
    /// The values the generated invoker of a valid handler (<see cref="HandlerSignatureProblem"/> returned null)
    /// (de)serializes: its input (every parameter that is not a context) and the T of its Task&lt;T&gt;/ValueTask&lt;T&gt;.
    /// </summary>
    public static IEnumerable<SerializedType> HandlerTypes(KnownSymbols known, IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (ContextRank(known, parameter.Type) is null)
            {
                yield return new SerializedType(method, parameter, parameter.Type, SerializedRole.HandlerInput);
            }
        }

        if (ReturnedValueType(known, method.ReturnType, out _) is { } output)
        {
            yield return new SerializedType(method, null, output, SerializedRole.HandlerResult);
        }
    }

    /// <summary>
    /// The values the generated wrapper of a valid tool (<see cref="ToolSignatureProblem"/> returned null) binds and
    /// returns: every parameter but a CancellationToken, and the result (T, or the T of Task&lt;T&gt;/ValueTask&lt;T&gt;).
    /// </summary>
    public static IEnumerable<SerializedType> ToolTypes(KnownSymbols known, IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (!IsCancellationToken(parameter.Type))
            {
                yield return new SerializedType(method, parameter, parameter.Type, SerializedRole.ToolParameter);
            }
        }

        var output = ReturnedValueType(known, method.ReturnType, out var isTask);
        var result = isTask ? output : method.ReturnsVoid ? null : method.ReturnType;
        if (result is not null)
        {
            yield return new SerializedType(method, null, result, SerializedRole.ToolResult);
        }
    }

    public static bool IsCancellationToken(ITypeSymbol type) =>
        type.Name == "CancellationToken" && type.ContainingNamespace?.ToDisplayString() == "System.Threading";

    /// <summary>Why the generator skips this handler (DA1002), or null when it accepts it.</summary>
    public static string? HandlerSignatureProblem(KnownSymbols known, IMethodSymbol method, DurableKind kind, AttributeData? exclusive, AttributeData? shared)
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
    public static ITypeSymbol? ReturnedValueType(KnownSymbols known, ITypeSymbol returnType, out bool isTask)
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
    public static int? ContextRank(KnownSymbols known, ITypeSymbol type)
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

    /// <summary>Why the generator cannot wrap this tool (DA1008), or null when it accepts it.</summary>
    public static string? ToolSignatureProblem(KnownSymbols known, IMethodSymbol method)
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
}
