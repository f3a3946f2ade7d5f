using System.Collections.Generic;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// Whether a catch block passes one SDK exception on: every path it takes for that exception ends in a throw that keeps
/// it (<c>throw;</c>, <c>throw e;</c>, <c>ExceptionDispatchInfo.Throw</c>; for cancellation also a new
/// <c>TerminalException</c>, which keeps it terminal). <c>if (e is X) throw;</c> guards are decided per type with
/// <see cref="ExceptionTest"/>.
/// </summary>
internal static class CatchRethrow
{
    public enum Exit
    {
        /// <summary>Control continues after the statements.</summary>
        FallsThrough,

        /// <summary>Every path throws the exception on.</summary>
        Throws,

        /// <summary>Some path leaves without passing the exception on (return, break, continue, goto, another exception).</summary>
        Leaves,
    }

    public static Exit Rethrows(IBlockOperation handler, ITypeSymbol thrown, ILocalSymbol? exception, KnownSymbols known) =>
        Sequence(handler.Operations, thrown, exception, known);

    private static Exit Sequence(IEnumerable<IOperation> statements, ITypeSymbol thrown, ILocalSymbol? exception, KnownSymbols known)
    {
        foreach (var statement in statements)
        {
            var exit = Statement(statement, thrown, exception, known);
            if (exit != Exit.FallsThrough)
            {
                return exit;
            }
        }

        return Exit.FallsThrough;
    }

    private static Exit Statement(IOperation statement, ITypeSymbol thrown, ILocalSymbol? exception, KnownSymbols known)
    {
        var operation = statement is IExpressionStatementOperation expression ? expression.Operation : statement;
        switch (operation)
        {
            case IThrowOperation throwOperation:
                return Keeps(throwOperation, thrown, exception, known) ? Exit.Throws : Exit.Leaves;
            case IInvocationOperation invocation when IsDispatchInfoThrow(invocation):
                return Exit.Throws;
            case IReturnOperation or IBranchOperation:
                return Exit.Leaves;
            case IBlockOperation block:
                return Sequence(block.Operations, thrown, exception, known);
            case IConditionalOperation { Type: null } branch:
                var whenTrue = Branch(branch.WhenTrue, thrown, exception, known);
                var whenFalse = Branch(branch.WhenFalse, thrown, exception, known);
                return ExceptionTest.Evaluate(branch.Condition, exception, thrown) switch
                {
                    ExceptionTest.Outcome.True => whenTrue,
                    ExceptionTest.Outcome.False => whenFalse,
                    _ => whenTrue == Exit.Leaves || whenFalse == Exit.Leaves ? Exit.Leaves
                        : whenTrue == Exit.Throws && whenFalse == Exit.Throws ? Exit.Throws
                        : Exit.FallsThrough,
                };
            case not null when statement is IExpressionStatementOperation:
                return Exit.FallsThrough;
            case IVariableDeclarationGroupOperation or IEmptyOperation:
                return Exit.FallsThrough;
            default:
                return FromControlFlow(statement, thrown, exception, known);
        }
    }

    private static Exit Branch(IOperation? branch, ITypeSymbol thrown, ILocalSymbol? exception, KnownSymbols known) =>
        branch is null ? Exit.FallsThrough : Statement(branch, thrown, exception, known);

    /// <summary>Other statements (loops, switch, using, try…): the compiler's flow analysis of the statement.</summary>
    private static Exit FromControlFlow(IOperation statement, ITypeSymbol thrown, ILocalSymbol? exception, KnownSymbols known)
    {
        if (statement.Syntax is not StatementSyntax syntax || statement.SemanticModel is not { } model)
        {
            return Exit.FallsThrough;
        }

        var flow = model.AnalyzeControlFlow(syntax);
        if (flow is null || !flow.Succeeded)
        {
            return Exit.FallsThrough;
        }

        if (!flow.ExitPoints.IsEmpty || !flow.ReturnStatements.IsEmpty)
        {
            return Exit.Leaves;
        }

        if (flow.EndPointIsReachable)
        {
            return Exit.FallsThrough;
        }

        foreach (var operation in statement.Descendants())
        {
            if (operation is IThrowOperation throwOperation && !Keeps(throwOperation, thrown, exception, known))
            {
                return Exit.Leaves;
            }
        }

        return Exit.Throws;
    }

    /// <summary>The throw passes <paramref name="thrown"/> on, or one the SDK treats the same way.</summary>
    private static bool Keeps(IThrowOperation throwOperation, ITypeSymbol thrown, ILocalSymbol? exception, KnownSymbols known)
    {
        if (throwOperation.Exception is null)
        {
            return true; // throw;
        }

        var value = OperationHelpers.WalkDownConversion(throwOperation.Exception);
        if (exception is not null && value is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, exception))
        {
            return true; // throw e;
        }

        // Once the attempt has ended the SDK ignores what the handler throws; a cancellation must stay terminal, or
        // the invocation is retried (and cancelled again) instead of ending.
        return KnownSymbols.Is(thrown, known.InvocationClosedException)
               || (value.Type is { } type && known.TerminalException is { } terminal && ExceptionTest.Derives(type, terminal));
    }

    private static bool IsDispatchInfoThrow(IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "Throw" } method
        && method.ContainingType is { Name: "ExceptionDispatchInfo" } type
        && type.ContainingNamespace?.ToDisplayString() == "System.Runtime.ExceptionServices";
}
