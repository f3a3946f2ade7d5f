using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Infrastructure;

/// <summary>
/// Whether a delegate is a step body, decided only from <c>[RunsInDurableStep]</c> on the parameter it is passed to or
/// the property it is assigned to (<see cref="KnownSymbols.GetStepMode(IParameterSymbol?)"/>). Shared by the
/// determinism and context-usage rules so both see the same steps.
/// </summary>
internal static class StepBodies
{
    /// <summary>
    /// The step mode of where a delegate value (a lambda, a method group, a delegate local) goes: the argument it is
    /// passed as, or the property it is assigned to.
    /// </summary>
    public static StepMode ModeOfDestination(IOperation value, KnownSymbols known)
    {
        var child = value;
        var current = value.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            child = current;
            current = current.Parent;
        }

        return current switch
        {
            IArgumentOperation argument => known.GetStepMode(argument.Parameter),
            IAssignmentOperation { Target: IPropertyReferenceOperation property } assignment when assignment.Value == child
                => known.GetStepMode(property.Property),
            _ => StepMode.None,
        };
    }

    /// <summary>
    /// True if <paramref name="lambda"/> runs in a journaled step: it goes to a <see cref="StepMode.Delegate"/> place,
    /// is returned by a lambda that goes to a <see cref="StepMode.ReturnedDelegate"/> place, sits inside an argument of
    /// non-delegate type marked as a step (<c>FromFunction(AIFunctionFactory.Create(...))</c>), or is stored in a local
    /// that is then passed to a step.
    /// </summary>
    public static bool IsStepBody(IAnonymousFunctionOperation lambda, KnownSymbols known)
    {
        switch (ModeOfDestination(lambda, known))
        {
            case StepMode.Delegate:
                return true;
            case StepMode.ReturnedDelegate:
                return false;
        }

        if (IsReturnedToStep(lambda, known) || IsInsideStepArgument(lambda, known))
        {
            return true;
        }

        var local = OperationHelpers.GetAssignedLocal(lambda);
        if (local is null)
        {
            return false;
        }

        IOperation top = lambda;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        foreach (var operation in top.Descendants())
        {
            if (operation is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && ModeOfDestination(reference, known) == StepMode.Delegate)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lambda is the value returned by a lambda passed to a <see cref="StepMode.ReturnedDelegate"/> place.</summary>
    private static bool IsReturnedToStep(IAnonymousFunctionOperation lambda, KnownSymbols known)
    {
        var current = lambda.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        if (current is not IReturnOperation)
        {
            return false;
        }

        var enclosing = EnclosingFunction(current);
        return enclosing is not null && ModeOfDestination(enclosing, known) == StepMode.ReturnedDelegate;
    }

    /// <summary>The lambda is inside (not passed directly as) an argument of non-delegate type marked as a step.</summary>
    private static bool IsInsideStepArgument(IOperation operation, KnownSymbols known)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IArgumentOperation argument when argument.Parameter is { } parameter
                                                       && parameter.Type.TypeKind != TypeKind.Delegate
                                                       && known.GetStepMode(parameter) == StepMode.Delegate:
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation or IBlockOperation or IMethodBodyBaseOperation:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The innermost lambda that contains <paramref name="operation"/>, or null (a method or local function body).</summary>
    public static IAnonymousFunctionOperation? EnclosingFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda;
                case ILocalFunctionOperation or IMethodBodyBaseOperation:
                    return null;
            }
        }

        return null;
    }
}
