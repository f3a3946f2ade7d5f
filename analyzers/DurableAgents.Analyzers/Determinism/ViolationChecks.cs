using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// Turns what <see cref="BodyWalker"/> meets into <see cref="Violation"/>s on a call-graph node: catalogue hits, reads of
/// mutable static fields, and hash-ordered iteration that drives durable calls.
/// </summary>
internal sealed class ViolationChecks
{
    private readonly KnownSymbols _known;

    public ViolationChecks(KnownSymbols known) => _known = known;

    public void Check(ApiHit? hit, IOperation operation, Node node, IMethodSymbol? unlessStepParameterOf = null, int ordinal = -1)
    {
        if (hit is not { } found)
        {
            return;
        }

        var descriptor = found.Rule switch
        {
            ApiRule.Clock => DiagnosticDescriptors.NonDeterministicClock,
            ApiRule.Guid => DiagnosticDescriptors.NonDeterministicGuid,
            ApiRule.Random => DiagnosticDescriptors.NonDeterministicRandom,
            ApiRule.Delay => DiagnosticDescriptors.NonDurableDelay,
            ApiRule.Concurrency => DiagnosticDescriptors.UnjournaledConcurrency,
            ApiRule.ConfigureAwait => DiagnosticDescriptors.ConfigureAwaitFalse,
            ApiRule.TaskCombinator => DiagnosticDescriptors.TaskCombinatorOverDurableFutures,
            ApiRule.Io => DiagnosticDescriptors.IoOutsideStep,
            ApiRule.Llm => DiagnosticDescriptors.LlmCallOutsideStep,
            ApiRule.AgentRun => DiagnosticDescriptors.AgentRunOutsideStep,
            _ => DiagnosticDescriptors.EnvironmentRead,
        };
        var location = operation.Syntax.GetLocation();
        if (node.Violations.Count > 0
            && node.Violations[node.Violations.Count - 1] is { } last
            && last.Descriptor == descriptor
            && last.Location.SourceTree == location.SourceTree
            && last.Location.SourceSpan.Contains(location.SourceSpan))
        {
            return; // TimeProvider.System.GetUtcNow(): one finding, at the outer call
        }

        string? extra = found.Rule == ApiRule.TaskCombinator ? (operation as IInvocationOperation)?.TargetMethod.Name : null;
        node.Violations.Add(new Violation(descriptor, location, found.Display, extra, unlessStepParameterOf, ordinal));
    }

    public void CheckMutableStatic(IFieldReferenceOperation reference, Node node)
    {
        var field = reference.Field;
        if (!field.IsStatic || field.IsReadOnly || field.IsConst || field.IsImplicitlyDeclared || field.ContainingType?.TypeKind == TypeKind.Enum)
        {
            return;
        }

        // Only reads: a plain assignment target is a write (a compound assignment both reads and writes).
        if (reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
        {
            return;
        }

        node.Violations.Add(new Violation(
            DiagnosticDescriptors.MutableStaticRead,
            reference.Syntax.GetLocation(),
            field.ContainingType?.Name + "." + field.Name,
            null));
    }

    public void CheckUnorderedIteration(IForEachLoopOperation loop, Node node)
    {
        var collection = OperationHelpers.WalkDownConversion(loop.Collection);
        var type = collection.Type;
        if (collection is IPropertyReferenceOperation { Property.Name: "Keys" or "Values" } keysOrValues)
        {
            type = keysOrValues.Instance?.Type ?? type;
        }

        if (type is not INamedTypeSymbol named || !IsHashOrdered(named) || !ContainsDurableOperation(loop.Body))
        {
            return;
        }

        node.Violations.Add(new Violation(
            DiagnosticDescriptors.UnorderedIterationDrivesDurableCalls,
            loop.Collection.Syntax.GetLocation(),
            "foreach over " + named.Name,
            null));
    }

    private static bool IsHashOrdered(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            var ns = current.ContainingNamespace?.ToDisplayString();
            if (ns is "System.Collections.Generic" or "System.Collections.Concurrent" or "System.Collections.Immutable" or "System.Collections")
            {
                switch (current.MetadataName)
                {
                    case "HashSet`1":
                    case "Dictionary`2":
                    case "ConcurrentDictionary`2":
                    case "ConcurrentBag`1":
                    case "ImmutableHashSet`1":
                    case "ImmutableDictionary`2":
                    case "Hashtable":
                        return true;
                }
            }
        }

        return false;
    }

    /// <summary>True if the operation issues a durable operation (a context call or a durable future) outside nested lambdas.</summary>
    internal bool ContainsDurableOperation(IOperation? operation)
    {
        if (operation is null)
        {
            return false;
        }

        foreach (var descendant in operation.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case IInvocationOperation invocation when _known.IsContextMember(invocation.TargetMethod) || _known.IsDurableAwaitable(invocation.Type):
                    return true;
                case IAwaitOperation await when _known.IsDurableAwaitable(await.Operation.Type):
                    return true;
            }
        }

        return false;
    }
}
