using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// The recorded name of a step: the constant, or for a computed name its pattern (<c>tool:{name}</c>, holes named
/// after the expression), or <c>*</c>; and the lock file's quoting of names.
/// </summary>
internal static class StepNames
{
    /// <summary>The pattern of <paramref name="value"/>; <paramref name="constant"/> is false for a computed name. Null when the value is null.</summary>
    public static string? Of(IOperation? value, out bool constant)
    {
        constant = true;
        value = Unwrap(value);
        if (value is null || value is IDefaultValueOperation || (value.ConstantValue.HasValue && value.ConstantValue.Value is null))
        {
            return null;
        }

        if (value.ConstantValue.HasValue && value.ConstantValue.Value is string s)
        {
            return s;
        }

        constant = false;
        var sb = new StringBuilder();
        return Pattern(value, sb) ? sb.ToString() : "*";
    }

    /// <summary>A name in the lock file: double-quoted, with <c>\</c>, <c>"</c> and control characters escaped.</summary>
    public static string Quote(string name)
    {
        var sb = new StringBuilder(name.Length + 2).Append('"');
        foreach (var c in name)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool Pattern(IOperation value, StringBuilder sb)
    {
        value = Unwrap(value)!;
        if (value.ConstantValue.HasValue)
        {
            sb.Append(System.Convert.ToString(value.ConstantValue.Value, CultureInfo.InvariantCulture));
            return true;
        }

        switch (value)
        {
            case IInterpolatedStringOperation interpolated:
                foreach (var part in interpolated.Parts)
                {
                    if (part is IInterpolatedStringTextOperation text)
                    {
                        Pattern(text.Text, sb);
                    }
                    else if (part is IInterpolationOperation hole)
                    {
                        Hole(hole.Expression, sb);
                    }
                }

                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add when add.Type?.SpecialType == SpecialType.System_String:
                Operand(add.LeftOperand, sb);
                Operand(add.RightOperand, sb);
                return true;
            default:
                return false;
        }
    }

    private static void Operand(IOperation operand, StringBuilder sb)
    {
        var inner = Unwrap(operand)!;
        if (inner.ConstantValue.HasValue || inner is IInterpolatedStringOperation || inner is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add })
        {
            if (Pattern(inner, sb))
            {
                return;
            }
        }

        Hole(inner, sb);
    }

    private static void Hole(IOperation expression, StringBuilder sb)
    {
        if (expression.ConstantValue.HasValue)
        {
            sb.Append(System.Convert.ToString(expression.ConstantValue.Value, CultureInfo.InvariantCulture));
            return;
        }

        var text = Unwrap(expression)!.Syntax.ToString();
        var compact = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                compact.Append(c);
            }
        }

        sb.Append('{').Append(compact).Append('}');
    }

    internal static IOperation? Unwrap(IOperation? value)
    {
        while (value is IConversionOperation { IsImplicit: true } conversion)
        {
            value = conversion.Operand;
        }

        while (value is IParenthesizedOperation parenthesized)
        {
            value = parenthesized.Operand;
        }

        return value;
    }
}
