using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// The static readonly fields and get-only static auto-properties of this compilation whose value comes from a
/// non-deterministic source (<c>Guid.NewGuid()</c>, <c>DateTime.UtcNow</c>, <c>new Random()</c>,
/// <c>Environment.MachineName</c>, ...): each process computes its own value, so a replay on another replica (or after a
/// restart) reads another one. Filled from field/property initializers and static constructors as they are analyzed;
/// read at compilation end.
/// </summary>
internal sealed class StaticInitializers
{
    private readonly ApiCatalogue _catalogue;
    private readonly ConcurrentDictionary<ISymbol, string> _sources = new(SymbolEqualityComparer.Default);

    public StaticInitializers(ApiCatalogue catalogue) => _catalogue = catalogue;

    /// <summary>The API the member's value comes from (<c>Guid.NewGuid</c>), if it is non-deterministic.</summary>
    public bool TryGetSource(ISymbol member, out string api) => _sources.TryGetValue(member.OriginalDefinition, out api!);

    /// <summary>Records the initializers in an operation block owned by a static field, property or static constructor.</summary>
    public void Record(ISymbol owner, ImmutableArray<IOperation> blocks)
    {
        foreach (var block in blocks)
        {
            switch (block)
            {
                case IFieldInitializerOperation initializer:
                    foreach (var field in initializer.InitializedFields)
                    {
                        Record(field, initializer.Value);
                    }

                    break;
                case IPropertyInitializerOperation initializer:
                    foreach (var property in initializer.InitializedProperties)
                    {
                        Record(property, initializer.Value);
                    }

                    break;
                default:
                    if (owner is IMethodSymbol { MethodKind: MethodKind.StaticConstructor } constructor)
                    {
                        RecordConstructorAssignments(constructor, block);
                    }

                    break;
            }
        }
    }

    private void RecordConstructorAssignments(IMethodSymbol constructor, IOperation body)
    {
        foreach (var operation in body.Descendants())
        {
            if (operation is ISimpleAssignmentOperation assignment
                && StaticState.StaticMember(assignment.Target) is { } member
                && SymbolEqualityComparer.Default.Equals(member.ContainingType, constructor.ContainingType))
            {
                Record(member, assignment.Value);
            }
        }
    }

    private void Record(ISymbol member, IOperation value)
    {
        if (!member.IsStatic || StaticState.IsWritable(member))
        {
            return; // a writable static is reported as such, whatever its first value
        }

        if (FindSource(value) is { } api)
        {
            _sources.TryAdd(member.OriginalDefinition, api);
        }
    }

    /// <summary>The first non-deterministic API in <paramref name="value"/> (lambdas included: <c>new Lazy&lt;Guid&gt;(Guid.NewGuid)</c>).</summary>
    private string? FindSource(IOperation value)
    {
        foreach (var operation in value.DescendantsAndSelf())
        {
            var hit = operation switch
            {
                IInvocationOperation invocation => _catalogue.LookupMethod(invocation.TargetMethod, invocation),
                IObjectCreationOperation { Constructor: { } constructor } creation => _catalogue.LookupMethod(constructor, creation),
                IPropertyReferenceOperation property => _catalogue.LookupProperty(property.Property),
                IMethodReferenceOperation reference => _catalogue.LookupMethod(reference.Method, reference),
                _ => null,
            };
            if (hit is { Rule: ApiRule.Clock or ApiRule.Guid or ApiRule.Random or ApiRule.Environment } found)
            {
                return found.Display;
            }
        }

        return null;
    }
}
