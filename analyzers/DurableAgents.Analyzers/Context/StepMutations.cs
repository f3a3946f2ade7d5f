using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// Finds the state a step body changes: the variable, field or property at the root of every write (assignment,
/// compound assignment, <c>++</c>, deconstruction, <c>ref</c>/<c>out</c> argument, <c>Add</c>/<c>Remove</c>/indexer
/// set on a collection), including writes made by the local functions and same-file methods the body calls. One
/// instance per compilation: what a called function writes is computed once and cached.
/// </summary>
internal sealed class StepMutations
{
    // Mutating members of collections and builders: a captured one changed in a step loses the change on replay.
    private static readonly ImmutableHashSet<string> MutatingMembers = ImmutableHashSet.Create(
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "Clear",
        "Push", "Pop", "Enqueue", "Dequeue", "TryAdd", "TryRemove", "TryUpdate", "AddOrUpdate", "GetOrAdd",
        "Append", "AppendLine", "AppendFormat", "Sort", "Reverse", "TryDequeue", "TryPop", "UnionWith",
        "ExceptWith", "IntersectWith", "SymmetricExceptWith", "AddFirst", "AddLast", "RemoveFirst", "RemoveLast");

    /// <summary>Roots written by a called function and declared outside it (null while being computed: a cycle).</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<ISymbol>> _calleeRoots = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Every write in <paramref name="body"/> (nested lambdas included) as its root symbol and the operation to report
    /// at: the written expression, or the call of the function that writes it.
    /// </summary>
    public List<(ISymbol Root, IOperation Site)> Collect(IOperation body)
    {
        var writes = new List<(ISymbol, IOperation)>();
        var cyclic = false;
        CollectInto(body, writes, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), ref cyclic);
        return writes;
    }

    /// <summary>
    /// What a method passed as a step (a method group) writes outside itself: fields and properties, and for a local
    /// function the captured variables. Instance members are kept only when <paramref name="receiver"/> is this
    /// instance (or the method is static or local).
    /// </summary>
    public ImmutableArray<ISymbol> WritesOf(IMethodSymbol method, IOperation? receiver, SemanticModel model)
    {
        var roots = RootsOf(method, model, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), out _);
        return KeepForReceiver(roots, method, receiver);
    }

    /// <summary>True for a mutating member of a collection or <c>StringBuilder</c> (<c>list.Add</c>, <c>sb.Append</c>).</summary>
    public static bool IsMutatingCall(IInvocationOperation invocation) =>
        invocation.Instance is not null
        && MutatingMembers.Contains(invocation.TargetMethod.Name)
        && IsCollectionOrBuilder(invocation.TargetMethod.ContainingType);

    private void CollectInto(IOperation body, List<(ISymbol, IOperation)> writes, HashSet<IMethodSymbol> visiting, ref bool cyclic)
    {
        foreach (var operation in body.Descendants())
        {
            switch (operation)
            {
                case IAssignmentOperation assignment:
                    AddTarget(assignment.Target, writes);
                    break;
                case IIncrementOrDecrementOperation increment:
                    AddTarget(increment.Target, writes);
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                    AddTarget(argument.Value, writes);
                    break;
                case IInvocationOperation invocation when IsMutatingCall(invocation):
                    AddTarget(invocation.Instance, writes);
                    break;
                case IInvocationOperation invocation when operation.SemanticModel is { } model && !DeclaredInside(invocation.TargetMethod, body.Syntax):
                    var roots = RootsOf(invocation.TargetMethod, model, visiting, out var calleeCyclic);
                    cyclic |= calleeCyclic;
                    foreach (var root in KeepForReceiver(roots, invocation.TargetMethod, invocation.Instance))
                    {
                        writes.Add((root, invocation));
                    }

                    break;
            }
        }
    }

    private static void AddTarget(IOperation? target, List<(ISymbol, IOperation)> writes)
    {
        if (target is null)
        {
            return;
        }

        var operation = OperationHelpers.WalkDownConversion(target);
        if (operation is ITupleOperation tuple)
        {
            foreach (var element in tuple.Elements)
            {
                AddTarget(element, writes);
            }

            return;
        }

        if (Root(operation) is { } root)
        {
            writes.Add((root, operation));
        }
    }

    /// <summary>
    /// The storage a write lands in: the local or parameter at the root of <c>a.b[i].c</c>, or the field or property
    /// of this instance (or a static one) it goes through. Null for a value computed on the spot (a call's result).
    /// </summary>
    private static ISymbol? Root(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation { Field.IsConst: true }:
                    return null;
                case IMemberReferenceOperation member when member.Member is IFieldSymbol or IPropertySymbol:
                    if (member.Member.IsStatic || member.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                    {
                        return member.Member;
                    }

                    if (member.Instance is null)
                    {
                        return null;
                    }

                    operation = OperationHelpers.WalkDownConversion(member.Instance);
                    continue;
                case IArrayElementReferenceOperation element:
                    operation = OperationHelpers.WalkDownConversion(element.ArrayReference);
                    continue;
                default:
                    return null;
            }
        }
    }

    /// <summary>Instance members written by a method belong to its receiver: keep them only when that is this instance.</summary>
    private static ImmutableArray<ISymbol> KeepForReceiver(ImmutableArray<ISymbol> roots, IMethodSymbol method, IOperation? receiver)
    {
        if (roots.IsDefaultOrEmpty)
        {
            return ImmutableArray<ISymbol>.Empty;
        }

        var sameInstance = method.IsStatic
                           || method.MethodKind == MethodKind.LocalFunction
                           || receiver is null
                           || OperationHelpers.WalkDownConversion(receiver) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };
        if (sameInstance)
        {
            return roots;
        }

        var builder = ImmutableArray.CreateBuilder<ISymbol>();
        foreach (var root in roots)
        {
            if (root.IsStatic)
            {
                builder.Add(root);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// The roots a local function or a method with a body in the same file writes that are declared outside it
    /// (captured variables, fields, properties), following the functions it calls in turn.
    /// </summary>
    private ImmutableArray<ISymbol> RootsOf(IMethodSymbol method, SemanticModel model, HashSet<IMethodSymbol> visiting, out bool cyclic)
    {
        cyclic = false;
        method = method.OriginalDefinition;
        if (method.MethodKind is not (MethodKind.LocalFunction or MethodKind.Ordinary) || method.IsAbstract || method.IsExtern)
        {
            return ImmutableArray<ISymbol>.Empty;
        }

        if (_calleeRoots.TryGetValue(method, out var cached))
        {
            return cached;
        }

        if (!visiting.Add(method))
        {
            cyclic = true;
            return ImmutableArray<ISymbol>.Empty;
        }

        var roots = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree || model.GetOperation(reference.GetSyntax()) is not { } body)
            {
                continue;
            }

            var span = reference.Span;
            var writes = new List<(ISymbol, IOperation)>();
            CollectInto(body, writes, visiting, ref cyclic);
            foreach (var (root, _) in writes)
            {
                if (!DeclaredWithin(root, reference.SyntaxTree, span))
                {
                    roots.Add(root);
                }
            }
        }

        visiting.Remove(method);
        var result = roots.ToImmutableArray();
        if (!cyclic)
        {
            _calleeRoots.TryAdd(method, result);
        }

        return result;
    }

    /// <summary>A local function declared inside the walked body: its writes are walked with the body itself.</summary>
    private static bool DeclaredInside(IMethodSymbol method, SyntaxNode body)
    {
        foreach (var declaration in method.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree == body.SyntaxTree && body.Span.Contains(declaration.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True if <paramref name="symbol"/> is a local or parameter declared inside <paramref name="span"/>.</summary>
    public static bool DeclaredWithin(ISymbol symbol, SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        if (symbol is not (ILocalSymbol or IParameterSymbol))
        {
            return false;
        }

        foreach (var declaration in symbol.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree == tree && span.Contains(declaration.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCollectionOrBuilder(INamedTypeSymbol? type)
    {
        var ns = type?.ContainingNamespace?.ToDisplayString();
        return ns is "System.Collections.Generic" or "System.Collections.Concurrent" or "System.Collections.ObjectModel" or "System.Collections"
            || (ns == "System.Text" && type!.Name == "StringBuilder");
    }
}
