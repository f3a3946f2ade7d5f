using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Infrastructure;

internal static class OperationHelpers
{
    /// <summary>Skips implicit and explicit conversions and parentheses.</summary>
    public static IOperation WalkDownConversion(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }

    /// <summary>Skips delegate creation, conversions and parentheses to the lambda, method group or reference inside.</summary>
    public static IOperation WalkDownDelegate(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IDelegateCreationOperation creation:
                    operation = creation.Target;
                    continue;
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }

    /// <summary>
    /// The argument a delegate value is passed as, walking up from a lambda or method group through delegate creation,
    /// conversions and parentheses.
    /// </summary>
    public static IArgumentOperation? GetEnclosingArgument(IOperation operation)
    {
        var current = operation.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        return current as IArgumentOperation;
    }

    /// <summary>The local a delegate value is stored into (<c>var f = async ct =&gt; …;</c> or <c>f = …;</c>), or null.</summary>
    public static ILocalSymbol? GetAssignedLocal(IOperation operation)
    {
        var current = operation.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        return current switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
            _ => null,
        };
    }

    /// <summary>True if a parameter of delegate type (the step body of <c>RunAsync</c>).</summary>
    public static bool IsDelegateParameter(IParameterSymbol? parameter) =>
        parameter?.Type.TypeKind == TypeKind.Delegate;
}
