using System.Collections.Generic;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// Whether the tasks handed to a first-to-finish combinator (<c>Task.WhenAny</c>, <c>Task.WaitAny</c>,
/// <c>Task.WhenEach</c>) complete through the journal: <c>future.AsTask()</c> of a durable future, an async lambda that
/// awaits one (<c>ids.Select(async id =&gt; await ctx.RunAsync(...))</c>), a task-returning call that is handed the
/// durable context, or a local, array, list or LINQ query built from those.
/// </summary>
internal sealed class DurableTaskSources
{
    private const int MaxLocalDepth = 3;

    private readonly KnownSymbols _known;

    public DurableTaskSources(KnownSymbols known) => _known = known;

    /// <summary>True if an argument of the combinator call holds a task that completes through the journal.</summary>
    public bool HasDurableTaskArgument(IOperation operation)
    {
        if (operation is not IInvocationOperation invocation)
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (ProducesDurableTask(argument.Value, invocation, 0))
            {
                return true;
            }
        }

        return false;
    }

    private bool ProducesDurableTask(IOperation value, IOperation site, int depth)
    {
        foreach (var operation in value.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "AsTask", Instance: { } instance } when _known.IsDurableAwaitable(instance.Type):
                    return true;
                case IAwaitOperation awaited when _known.IsDurableAwaitable(awaited.Operation.Type) && IsInsideLambda(awaited, value):
                    return true;
                case IInvocationOperation call when IsTaskLike(call.Type) && HandsOverContext(call):
                    return true;
                case ILocalReferenceOperation local when depth < MaxLocalDepth && LocalHoldsDurableTask(local.Local, site, depth + 1):
                    return true;
            }
        }

        return false;
    }

    /// <summary>A task-returning call handed the durable context or a durable future is assumed to await through it.</summary>
    private bool HandsOverContext(IInvocationOperation call)
    {
        if (call.Instance is { } instance && _known.IsContextType(instance.Type))
        {
            return true;
        }

        foreach (var argument in call.Arguments)
        {
            var type = OperationHelpers.WalkDownConversion(argument.Value).Type;
            if (_known.IsContextType(type) || _known.IsDurableAwaitable(type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every value stored into <paramref name="local"/> (initializer, assignments, <c>Add</c>/<c>AddRange</c> calls) in the enclosing body.</summary>
    private bool LocalHoldsDurableTask(ILocalSymbol local, IOperation site, int depth)
    {
        var root = site;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator
                    when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && ProducesDurableTask(initial, site, depth):
                    return true;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                    when SymbolEqualityComparer.Default.Equals(target.Local, local) && ProducesDurableTask(assignment.Value, site, depth):
                    return true;
                case IInvocationOperation { Instance: ILocalReferenceOperation receiver, TargetMethod.Name: "Add" or "AddRange" or "Insert" or "Enqueue" or "Push" } add
                    when SymbolEqualityComparer.Default.Equals(receiver.Local, local):
                    foreach (var argument in add.Arguments)
                    {
                        if (ProducesDurableTask(argument.Value, site, depth))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool IsInsideLambda(IOperation operation, IOperation within)
    {
        for (var current = operation.Parent; current is not null && current != within; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTaskLike(ITypeSymbol? type)
    {
        var definition = type?.OriginalDefinition;
        return definition?.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
            && definition.MetadataName is "Task" or "Task`1" or "ValueTask" or "ValueTask`1";
    }
}
