using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// Whether code observes the value of a variable, field or property, as opposed to only storing into it. A change a
/// step makes is lost on replay, but it only matters when something reads it. One instance per compilation: whether
/// a field or property is read in its own type is computed once per member and syntax tree.
/// </summary>
internal sealed class ObservedReads
{
    private readonly ConcurrentDictionary<(ISymbol Member, SyntaxTree Tree), bool> _memberRead = new(MemberAndTreeComparer.Instance);

    /// <summary>
    /// True if <paramref name="member"/> (a field or property) is read somewhere in the declarations of its type: in
    /// the tree of <paramref name="model"/> by binding each use, elsewhere by name (a partial declaration in another
    /// file counts when it mentions the name). A member of a type without source counts as read. Reads elsewhere (a
    /// console printing a static counter) are not durable code and do not count.
    /// </summary>
    public bool IsReadInItsType(ISymbol member, SemanticModel model) =>
        _memberRead.GetOrAdd((member.OriginalDefinition, model.SyntaxTree), key => ComputeReadInItsType(key.Member, model));

    /// <summary>
    /// A reference that only stores into the variable (or into its members or elements) without observing its value:
    /// <c>x = …</c>, <c>x.P = …</c>, <c>x[i] = …</c>, <c>(x, y) = …</c>, <c>out x</c>, <c>x++;</c> and <c>x += …;</c>
    /// as statements, <c>x.Add(…);</c> whose result is discarded, <c>Interlocked.Increment(ref x);</c>.
    /// </summary>
    public static bool IsWriteOnly(IOperation reference)
    {
        var parent = reference.Parent;
        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                return true;
            case ICompoundAssignmentOperation compound when compound.Target == reference:
                return compound.Parent is IExpressionStatementOperation;
            case IIncrementOrDecrementOperation increment when increment.Target == reference:
                return increment.Parent is IExpressionStatementOperation;
            case IArgumentOperation { Parameter.RefKind: RefKind.Out }:
                return true;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref, Parent: IInvocationOperation call }:
                return call.TargetMethod.ContainingType is { Name: "Interlocked" } type
                       && type.ContainingNamespace?.ToDisplayString() == "System.Threading"
                       && call.Parent is IExpressionStatementOperation;
            case ITupleOperation:
                var current = parent;
                while (current.Parent is ITupleOperation outer)
                {
                    current = outer;
                }

                return current.Parent is IDeconstructionAssignmentOperation deconstruction && deconstruction.Target == current;
            case IInvocationOperation invocation when invocation.Instance == reference:
                return StepMutations.IsMutatingCall(invocation) && invocation.Parent is IExpressionStatementOperation;
            case IMemberReferenceOperation member when member.Instance == reference:
                return member.Parent is ISimpleAssignmentOperation memberAssignment && memberAssignment.Target == member;
            case IArrayElementReferenceOperation element when element.ArrayReference == reference:
                return element.Parent is ISimpleAssignmentOperation elementAssignment && elementAssignment.Target == element;
            default:
                return false;
        }
    }

    private static bool ComputeReadInItsType(ISymbol member, SemanticModel model)
    {
        var type = member.ContainingType;
        if (type is null || type.DeclaringSyntaxReferences.IsEmpty)
        {
            return true;
        }

        foreach (var declaration in type.DeclaringSyntaxReferences)
        {
            var node = declaration.GetSyntax();
            foreach (var identifier in node.DescendantNodes())
            {
                if (identifier is not IdentifierNameSyntax name || name.Identifier.ValueText != member.Name)
                {
                    continue;
                }

                if (declaration.SyntaxTree != model.SyntaxTree)
                {
                    return true;
                }

                SyntaxNode expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (model.GetOperation(expression) is IMemberReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Member.OriginalDefinition, member)
                    && !IsWriteOnly(reference))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
