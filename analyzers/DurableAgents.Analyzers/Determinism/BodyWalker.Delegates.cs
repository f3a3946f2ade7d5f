using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// The delegate-parameter tracking of <see cref="BodyWalker"/>: which of the owner's (or its local functions')
/// delegate parameters run in a step, run here, or are passed on, so <see cref="StepWrappers"/> can decide which
/// methods are step wrappers.
/// </summary>
internal sealed partial class BodyWalker
{
    /// <summary>
    /// The delegate parameter of a method or local function of this block that <paramref name="value"/> is (directly or
    /// through a local it was copied to), or null.
    /// </summary>
    private DelegateParameter? TrackedParameter(IOperation value)
    {
        var parameter = OperationHelpers.WalkDownDelegate(value) switch
        {
            IParameterReferenceOperation reference => reference.Parameter,
            ILocalReferenceOperation local when _parameterAliases.TryGetValue(local.Local, out var aliased) => aliased,
            _ => null,
        };
        if (parameter is null
            || !IsDelegate(parameter.Type)
            || parameter.ContainingSymbol is not IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction } method)
        {
            return null;
        }

        return new DelegateParameter(Normalize(method), parameter.Ordinal);
    }

    /// <summary>A delegate parameter used in durable code: copied to a local (an alias), or run here (called, or passed on).</summary>
    private void NoteParameterUse(IOperation reference, DelegateParameter parameter)
    {
        if (reference is IParameterReferenceOperation parameterReference && OperationHelpers.GetAssignedLocal(reference) is { } alias)
        {
            _parameterAliases[alias] = parameterReference.Parameter;
            return;
        }

        var child = reference;
        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation or IDelegateCreationOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        var runsHere = parent switch
        {
            IInvocationOperation invocation => invocation.Instance == child,
            IConditionalAccessOperation conditional => conditional.Operation == child,
            IArgumentOperation argument => OperationHelpers.IsDelegateParameter(argument.Parameter),
            _ => false,
        };
        if (runsHere)
        {
            _wrappers.AddRunsHere(parameter);
        }
    }

    /// <summary>Delegate parameters referenced inside a step body run in the step.</summary>
    private void NoteStepUsesInside(IAnonymousFunctionOperation body)
    {
        if (_delegateParameterScopes == 0)
        {
            return; // no enclosing method or local function has a delegate parameter the step body could use
        }

        foreach (var operation in body.Body.Descendants())
        {
            if (operation is IParameterReferenceOperation or ILocalReferenceOperation && TrackedParameter(operation) is { } parameter)
            {
                _wrappers.AddStepUse(parameter);
            }
        }
    }
}
