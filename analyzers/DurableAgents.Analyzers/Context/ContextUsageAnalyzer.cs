using System.Collections.Immutable;
using System.Linq;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// DA3001, DA3003, DA3004, DA3006, DA3007: misuse of the durable context and its futures. These rules are local (the
/// types tell what is durable), so they apply wherever the code is, not only in code reachable from a handler. The one
/// exception is DA3001 through helpers a step body calls (<see cref="NestedContextUse"/>), reported at the compilation
/// end. DA3002 is <see cref="StepMutationAnalyzer"/>, DA3005 is <see cref="CatchAnalyzer"/>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContextUsageAnalyzer : DiagnosticAnalyzer
{
    // Context members that only read invocation metadata: harmless inside a step.
    private static readonly ImmutableHashSet<string> MetadataMembers = ImmutableHashSet.Create(
        "InvocationId", "RequestHeaders", "CancellationToken", "JsonOptions", "IsReplaying", "Key");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ContextUsedInsideStep,
        DiagnosticDescriptors.BlockingWaitOnDurableFuture,
        DiagnosticDescriptors.AsyncVoidHandler,
        DiagnosticDescriptors.DurableFutureNotAwaited,
        DiagnosticDescriptors.StateWriteInSharedHandler,
        NestedContextUse.EndDescriptor);

    /// <summary>Context members that only read invocation metadata (harmless inside a step).</summary>
    internal static bool IsMetadataMember(string name) => MetadataMembers.Contains(name);

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

            start.RegisterOperationAction(c => AnalyzeLambda(c, known), OperationKind.AnonymousFunction);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, known), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzePropertyReference(c, known), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => AnalyzeExpressionStatement(c, known), OperationKind.ExpressionStatement);
            start.RegisterOperationAction(c => AnalyzeDeclarator(c, known), OperationKind.VariableDeclarator);
            start.RegisterSymbolAction(c => AnalyzeMethod(c, known), SymbolKind.Method);

            // DA3001 through helpers called from step bodies: needs every body, so it is reported at the end.
            var nested = new NestedContextUse(known);
            start.RegisterOperationBlockAction(nested.AnalyzeBlock);
            start.RegisterCompilationEndAction(nested.Report);
        });
    }

    // ------------------------------------------------------------------ DA3001

    private static void AnalyzeLambda(OperationAnalysisContext context, KnownSymbols known)
    {
        var lambda = (IAnonymousFunctionOperation)context.Operation;
        if (!StepBodies.IsStepBody(lambda, known))
        {
            return;
        }

        foreach (var operation in lambda.Body.Descendants())
        {
            switch (operation)
            {
                case IInvocationOperation invocation when known.IsContextMember(invocation.TargetMethod) && IsOnContext(invocation.Instance, known):
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextUsedInsideStep, invocation.Syntax.GetLocation(), "ctx." + invocation.TargetMethod.Name));
                    break;
                case IPropertyReferenceOperation property when known.IsContextMember(property.Property)
                                                               && !MetadataMembers.Contains(property.Property.Name)
                                                               && IsOnContext(property.Instance, known):
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextUsedInsideStep, property.Syntax.GetLocation(), "ctx." + property.Property.Name));
                    break;
                case IAwaitOperation await when known.IsDurableAwaitable(await.Operation.Type) && !IsContextCall(await.Operation, known):
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextUsedInsideStep, await.Syntax.GetLocation(), "await " + await.Operation.Syntax));
                    break;
            }
        }
    }

    /// <summary>The receiver is a context value (not, say, a DurableRandom obtained earlier).</summary>
    private static bool IsOnContext(IOperation? instance, KnownSymbols known) =>
        instance is null || known.IsContextType(instance.Type);

    private static bool IsContextCall(IOperation operation, KnownSymbols known) =>
        OperationHelpers.WalkDownConversion(operation) is IInvocationOperation invocation && known.IsContextMember(invocation.TargetMethod);

    // ------------------------------------------------------------------ DA3003, DA3007

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;

        // DA3003: future.GetAwaiter().GetResult(), future.AsTask().Wait()/.GetAwaiter().GetResult()
        if (method.Name == "GetResult"
            && (KnownSymbols.Is(method.ContainingType.OriginalDefinition, known.DurableAwaiter) || KnownSymbols.Is(method.ContainingType.OriginalDefinition, known.DurableAwaiterOfT)))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitOnDurableFuture, invocation.Syntax.GetLocation(), ".GetAwaiter().GetResult()"));
            return;
        }

        if (method.Name == "Wait" && invocation.Instance is { } waited && IsDurableAsTask(waited, known))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitOnDurableFuture, invocation.Syntax.GetLocation(), ".Wait()"));
            return;
        }

        if (method.Name == "GetResult"
            && invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited }
            && IsDurableAsTask(awaited, known))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitOnDurableFuture, invocation.Syntax.GetLocation(), ".GetAwaiter().GetResult()"));
            return;
        }

        // DA3007: IObjectContext.Set/Clear/ClearAll in a [SharedHandler]
        if (method.Name is "Set" or "Clear" or "ClearAll"
            && KnownSymbols.Is(method.ContainingType.OriginalDefinition, known.IObjectContext)
            && EnclosingMethod(context.ContainingSymbol) is { } handler
            && KnownSymbols.HasAttribute(handler, known.SharedHandlerAttribute))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StateWriteInSharedHandler, invocation.Syntax.GetLocation(), "ctx." + method.Name, handler.Name));
        }
    }

    private static void AnalyzePropertyReference(OperationAnalysisContext context, KnownSymbols known)
    {
        var property = (IPropertyReferenceOperation)context.Operation;
        if (property.Property.Name == "Result" && property.Instance is { } instance && IsDurableAsTask(instance, known))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitOnDurableFuture, property.Syntax.GetLocation(), ".Result"));
        }
    }

    /// <summary><c>future.AsTask()</c>, or a local initialized with it.</summary>
    private static bool IsDurableAsTask(IOperation operation, KnownSymbols known)
    {
        operation = OperationHelpers.WalkDownConversion(operation);
        if (operation is IInvocationOperation { TargetMethod.Name: "AsTask", Instance: { } instance })
        {
            return known.IsDurableAwaitable(instance.Type);
        }

        if (operation is ILocalReferenceOperation local)
        {
            foreach (var reference in local.Local.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initializer }
                    && operation.SemanticModel?.GetOperation(initializer) is { } value
                    && OperationHelpers.WalkDownConversion(value) is IInvocationOperation { TargetMethod.Name: "AsTask", Instance: { } source })
                {
                    return known.IsDurableAwaitable(source.Type);
                }
            }
        }

        return false;
    }

    private static IMethodSymbol? EnclosingMethod(ISymbol? symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
        {
            symbol = symbol.ContainingSymbol;
        }

        return symbol as IMethodSymbol;
    }

    // ------------------------------------------------------------------ DA3004

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownSymbols known)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!method.IsAsync || !method.ReturnsVoid)
        {
            return;
        }

        if (known.IsHandler(method) || known.IsTool(method) || known.IsEntryPoint(method))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AsyncVoidHandler, method.Locations.FirstOrDefault(), method.Name));
        }
    }

    // ------------------------------------------------------------------ DA3006

    private static void AnalyzeExpressionStatement(OperationAnalysisContext context, KnownSymbols known)
    {
        var statement = (IExpressionStatementOperation)context.Operation;
        if (statement.Operation is IInvocationOperation invocation && known.IsDurableFuture(invocation.Type))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DurableFutureNotAwaited, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name));
        }
    }

    private static void AnalyzeDeclarator(OperationAnalysisContext context, KnownSymbols known)
    {
        var declarator = (IVariableDeclaratorOperation)context.Operation;
        if (declarator.Initializer?.Value is not { } value
            || OperationHelpers.WalkDownConversion(value) is not IInvocationOperation invocation
            || !known.IsDurableFuture(invocation.Type))
        {
            return;
        }

        var local = declarator.Symbol;
        IOperation top = declarator;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        foreach (var operation in top.Descendants())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return;
            }
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DurableFutureNotAwaited, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name));
    }
}
