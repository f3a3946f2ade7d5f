using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// Evaluates a condition on a caught exception (a <c>when</c> filter, or the condition of an <c>if (…) throw;</c> in a
/// catch block) for one concrete exception type: true, false, or unknown when the condition depends on more than the
/// type (<c>when (Log(e))</c>, <c>when (e.Code == 409)</c>). The SDK's exception types are sealed, so a type test on
/// the exception variable is decided by inheritance alone.
/// </summary>
internal static class ExceptionTest
{
    public enum Outcome
    {
        False,
        True,
        Unknown,
    }

    /// <summary>The value of <paramref name="condition"/> when <paramref name="exception"/> (the catch variable) holds a <paramref name="thrown"/>.</summary>
    public static Outcome Evaluate(IOperation condition, ILocalSymbol? exception, ITypeSymbol thrown)
    {
        var operation = OperationHelpers.WalkDownConversion(condition);
        if (operation.ConstantValue is { HasValue: true, Value: bool constant })
        {
            return constant ? Outcome.True : Outcome.False;
        }

        switch (operation)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } negation:
                return Not(Evaluate(negation.Operand, exception, thrown));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And } both when IsBoolean(both):
                return And(Evaluate(both.LeftOperand, exception, thrown), Evaluate(both.RightOperand, exception, thrown));
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or } either when IsBoolean(either):
                return Or(Evaluate(either.LeftOperand, exception, thrown), Evaluate(either.RightOperand, exception, thrown));
            case IIsTypeOperation isType when IsException(isType.ValueOperand, exception):
                var matches = Derives(thrown, isType.TypeOperand) ? Outcome.True : Outcome.False;
                return isType.IsNegated ? Not(matches) : matches;
            case IIsPatternOperation isPattern when IsException(isPattern.Value, exception):
                return Match(isPattern.Pattern, thrown);
            default:
                return Outcome.Unknown;
        }
    }

    /// <summary>True if <paramref name="thrown"/> is <paramref name="type"/> or derives from it (a null type is a catch-all).</summary>
    public static bool Derives(ITypeSymbol thrown, ITypeSymbol? type)
    {
        if (type is null || type.SpecialType == SpecialType.System_Object)
        {
            return true;
        }

        for (var current = thrown; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, type.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static Outcome Match(IPatternOperation pattern, ITypeSymbol thrown)
    {
        switch (pattern)
        {
            case ITypePatternOperation type:
                return Derives(thrown, type.MatchedType) ? Outcome.True : Outcome.False;
            case IDeclarationPatternOperation declaration:
                return declaration.MatchesNull || Derives(thrown, declaration.MatchedType) ? Outcome.True : Outcome.False;
            case IRecursivePatternOperation recursive:
                if (recursive.MatchedType is { } matched && !Derives(thrown, matched))
                {
                    return Outcome.False;
                }

                return recursive.PropertySubpatterns.IsEmpty && recursive.DeconstructionSubpatterns.IsEmpty ? Outcome.True : Outcome.Unknown;
            case INegatedPatternOperation negated:
                return Not(Match(negated.Pattern, thrown));
            case IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.And } both:
                return And(Match(both.LeftPattern, thrown), Match(both.RightPattern, thrown));
            case IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } either:
                return Or(Match(either.LeftPattern, thrown), Match(either.RightPattern, thrown));
            case IConstantPatternOperation constant when constant.Value.ConstantValue is { HasValue: true, Value: null }:
                return Outcome.False; // a thrown exception is never null
            case IDiscardPatternOperation:
                return Outcome.True;
            default:
                return Outcome.Unknown;
        }
    }

    private static bool IsBoolean(IBinaryOperation operation) => operation.Type?.SpecialType == SpecialType.System_Boolean;

    private static bool IsException(IOperation value, ILocalSymbol? exception) =>
        exception is not null
        && OperationHelpers.WalkDownConversion(value) is ILocalReferenceOperation local
        && SymbolEqualityComparer.Default.Equals(local.Local, exception);

    private static Outcome Not(Outcome value) => value switch
    {
        Outcome.True => Outcome.False,
        Outcome.False => Outcome.True,
        _ => Outcome.Unknown,
    };

    private static Outcome And(Outcome left, Outcome right) =>
        left == Outcome.False || right == Outcome.False ? Outcome.False
        : left == Outcome.True && right == Outcome.True ? Outcome.True
        : Outcome.Unknown;

    private static Outcome Or(Outcome left, Outcome right) =>
        left == Outcome.True || right == Outcome.True ? Outcome.True
        : left == Outcome.False && right == Outcome.False ? Outcome.False
        : Outcome.Unknown;
}
