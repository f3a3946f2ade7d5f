using System.Collections.Generic;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// Whether a block reaches a durable operation, where the SDK may throw its suspension or cancellation exception.
/// </summary>
internal static class DurableAwaits
{
    /// <summary>
    /// An await of a durable future, awakeable or promise; a context call (RunAsync, SleepAsync, CallAsync…); a call on a
    /// durable future (<c>AsTask()</c>); a call that is handed the context (a durable helper, an agent run); or a call
    /// of a local function that does one of these.
    /// </summary>
    public static bool Contains(IOperation body, KnownSymbols known) =>
        Contains(body, known, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

    private static bool Contains(IOperation body, KnownSymbols known, HashSet<IMethodSymbol> visiting)
    {
        foreach (var operation in body.Descendants())
        {
            switch (operation)
            {
                case IAwaitOperation await when known.IsDurableAwaitable(await.Operation.Type):
                    return true;
                case IInvocationOperation invocation when known.IsContextMember(invocation.TargetMethod):
                    return true;
                case IInvocationOperation { Instance: { } instance } when known.IsDurableAwaitable(instance.Type):
                    return true;
                case IArgumentOperation argument when known.IsContextType(argument.Value.Type):
                    return true;
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call
                    when call.SemanticModel is { } model && LocalFunctionContains(call.TargetMethod, model, known, visiting):
                    return true;
            }
        }

        return false;
    }

    private static bool LocalFunctionContains(IMethodSymbol function, SemanticModel model, KnownSymbols known, HashSet<IMethodSymbol> visiting)
    {
        if (!visiting.Add(function.OriginalDefinition))
        {
            return false;
        }

        foreach (var reference in function.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == model.SyntaxTree
                && model.GetOperation(reference.GetSyntax()) is { } body
                && Contains(body, known, visiting))
            {
                return true;
            }
        }

        return false;
    }
}
