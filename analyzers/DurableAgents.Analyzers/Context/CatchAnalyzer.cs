using System.Collections.Generic;
using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// DA3005: a catch clause around durable awaits that can swallow what the SDK throws there: the suspension exception
/// (<c>InvocationClosedException</c>, the attempt has ended) and cancellation (<c>CancelledException</c>, a
/// <c>TerminalException</c>). A clause swallows one of them when its type covers it (<c>catch</c>,
/// <c>catch (Exception)</c>, <c>catch (TerminalException)</c>…), its filter does not rule it out, and its block does not
/// rethrow it on every path. Try statements inside a step body are the step's own business and are not checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CatchAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CatchSwallowsSdkExceptions);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (known is null)
            {
                return;
            }

            var sdkExceptions = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            if (known.InvocationClosedException is { } closed)
            {
                sdkExceptions.Add(closed);
            }

            if (KnownSymbols.Get(start.Compilation, KnownTypeNames.CancelledException) is { } cancelled)
            {
                sdkExceptions.Add(cancelled);
            }

            var thrown = sdkExceptions.ToImmutable();
            start.RegisterOperationAction(c => AnalyzeTry(c, known, thrown), OperationKind.Try);
        });
    }

    private static void AnalyzeTry(OperationAnalysisContext context, KnownSymbols known, ImmutableArray<INamedTypeSymbol> sdkExceptions)
    {
        var tryOperation = (ITryOperation)context.Operation;
        if (tryOperation.Catches.IsEmpty
            || sdkExceptions.IsEmpty
            || InsideStep(tryOperation, context.ContainingSymbol, known)
            || !DurableAwaits.Contains(tryOperation.Body, known))
        {
            return;
        }

        var handled = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var clause in tryOperation.Catches)
        {
            var exception = (clause.ExceptionDeclarationOrExpression as IVariableDeclaratorOperation)?.Symbol;
            var swallowed = new List<string>();
            foreach (var sdkException in sdkExceptions)
            {
                if (handled.Contains(sdkException) || !ExceptionTest.Derives(sdkException, clause.ExceptionType))
                {
                    continue;
                }

                var filter = clause.Filter is null ? ExceptionTest.Outcome.True : ExceptionTest.Evaluate(clause.Filter, exception, sdkException);
                if (filter == ExceptionTest.Outcome.False)
                {
                    continue;
                }

                if (filter == ExceptionTest.Outcome.True)
                {
                    handled.Add(sdkException); // later clauses never see it
                }

                if (CatchRethrow.Rethrows(clause.Handler, sdkException, exception, known) != CatchRethrow.Exit.Throws)
                {
                    swallowed.Add(sdkException.Name);
                }
            }

            if (swallowed.Count == 0)
            {
                continue;
            }

            var location = clause.Syntax is CatchClauseSyntax syntax
                ? (syntax.Declaration?.GetLocation() ?? syntax.CatchKeyword.GetLocation())
                : clause.Syntax.GetLocation();
            var names = string.Join(" and ", swallowed);
            var pattern = swallowed.Count == 1 ? swallowed[0] : "(" + string.Join(" or ", swallowed) + ")";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CatchSwallowsSdkExceptions, location, names, pattern));
        }
    }

    /// <summary>
    /// The try statement runs inside a step: in a step body lambda (or a lambda nested in one), or in a
    /// <c>[DurableTool]</c> method, whose body the runtime runs as a step.
    /// </summary>
    private static bool InsideStep(IOperation operation, ISymbol? containingSymbol, KnownSymbols known)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda && StepBodies.IsStepBody(lambda, known))
            {
                return true;
            }
        }

        var method = containingSymbol as IMethodSymbol;
        while (method is { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
        {
            method = method.ContainingSymbol as IMethodSymbol;
        }

        return method is not null && known.IsTool(method);
    }
}
