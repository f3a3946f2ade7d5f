using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>The static-state (DA2011, DA2015) and hash-order (DA2012) checks of <see cref="BodyWalker"/>.</summary>
internal sealed partial class BodyWalker
{
    /// <summary>
    /// DA2011 (a read of process-local static state), DA2015 (a write to it, or a change to a static collection), or a
    /// deferred DA2011 when the member is readonly and its initializer decides (see <see cref="StaticInitializers"/>).
    /// </summary>
    private void CheckStaticState(IOperation reference, Node node)
    {
        if (reference.Parent is INameOfOperation || StaticState.StaticMember(reference) is not { } member)
        {
            return;
        }

        var display = member.ContainingType?.Name + "." + member.Name;
        var location = reference.Syntax.GetLocation();
        var type = StaticState.TypeOf(member);
        var collection = StaticState.IsMutableCollection(type);
        var access = StaticState.AccessOf(reference, out var how);
        if (access == StaticAccess.Write || (access == StaticAccess.Mutate && StaticState.HoldsChangeableContents(type)))
        {
            node.Violations.Add(new Violation(DiagnosticDescriptors.StaticStateWrite, location, display, how));
            return;
        }

        string? state = StaticState.IsWritable(member) ? "a mutable static " + (member is IPropertySymbol ? "property" : "field")
            : collection ? "a static mutable collection (" + type!.Name + ")"
            : StaticState.IsRandom(type) ? "a static Random shared by the process (its next value depends on earlier calls)"
            : null;
        var violation = new Violation(DiagnosticDescriptors.MutableStaticRead, location, display, state);
        if (state is not null && collection && !StaticState.IsWritable(member) && member.Locations.Length > 0 && member.Locations[0].IsInSource)
        {
            // A readonly collection of this compilation: a hazard only if some code changes it after initialization.
            node.Deferred.Add(new DeferredViolation(violation, DeferredCondition.StaticCollectionChanged, ImmutableArray.Create(member)));
        }
        else if (state is not null)
        {
            node.Violations.Add(violation);
        }
        else if (member.Locations.Length > 0 && member.Locations[0].IsInSource)
        {
            node.Deferred.Add(new DeferredViolation(violation, DeferredCondition.NonDeterministicInitializer, ImmutableArray.Create(member)));
        }
    }

    private void CheckUnorderedIteration(IForEachLoopOperation loop, Node node)
    {
        if (HashOrder.Source(loop.Collection) is { } type)
        {
            AddOrderingViolation(ImmutableArray.Create(loop.Body), loop.Collection.Syntax.GetLocation(), "foreach over " + type.Name, node);
        }
    }

    /// <summary>A LINQ operator (or <c>List.ForEach</c>) over a hash-ordered sequence whose lambdas issue durable operations.</summary>
    private void CheckUnorderedQuery(IInvocationOperation invocation, Node node)
    {
        if (!HashOrder.IsQueryOperator(invocation.TargetMethod))
        {
            return;
        }

        var source = invocation.Instance ?? (invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
        var lambdas = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Value != source && OperationHelpers.WalkDownDelegate(argument.Value) is IAnonymousFunctionOperation lambda)
            {
                lambdas.Add(lambda.Body);
            }
        }

        if (lambdas.Count > 0 && source is not null && HashOrder.Source(source) is { } type)
        {
            AddOrderingViolation(lambdas.ToImmutable(), invocation.Syntax.GetLocation(), invocation.TargetMethod.Name + " over " + type.Name, node);
        }
    }

    /// <summary>
    /// DA2012 if a body issues durable operations itself; deferred to compilation end if it only calls methods of this
    /// compilation (a helper that issues them is found in the call graph).
    /// </summary>
    private void AddOrderingViolation(ImmutableArray<IOperation> bodies, Location location, string api, Node node)
    {
        var violation = new Violation(DiagnosticDescriptors.UnorderedIterationDrivesDurableCalls, location, api, null);
        var callees = ImmutableArray.CreateBuilder<ISymbol>();
        foreach (var body in bodies)
        {
            if (ContainsDurableOperation(body))
            {
                node.Violations.Add(violation);
                return;
            }

            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation invocation
                    && Normalize(invocation.TargetMethod) is var callee
                    && (callee.MethodKind == MethodKind.LocalFunction || IsSourceMethod(callee)))
                {
                    callees.Add(callee);
                }
            }
        }

        if (callees.Count > 0)
        {
            node.Deferred.Add(new DeferredViolation(violation, DeferredCondition.CalleeIssuesDurableOperations, callees.ToImmutable()));
        }
    }
}
