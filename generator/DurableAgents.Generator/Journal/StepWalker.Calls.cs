using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Generator.Journal;

/// <summary>The invocations: context calls, promises, generated clients, version gates, inlined helpers.</summary>
internal sealed partial class StepWalker
{
    private void Invocation(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            if (_localFunctions.TryGetValue(method.OriginalDefinition, out var local) && Enter(method.OriginalDefinition))
            {
                Walk(((ILocalFunctionOperation)local).Body ?? (IOperation?)((ILocalFunctionOperation)local).IgnoredBody);
                _inlined.RemoveAt(_inlined.Count - 1);
            }

            return;
        }

        if (IsContextMethod(method))
        {
            ContextCall(invocation, method);
            return;
        }

        if (method.ContainingType is { } containing && IsRuntimeType(containing, JournalNames.DurablePromise))
        {
            var promise = PromiseName(invocation.Instance);
            var text = method.Name switch
            {
                "GetAsync" => "promise.get " + promise + Result(containing.TypeArguments[0]),
                "PeekAsync" => "promise.peek " + promise,
                "ResolveAsync" => "promise.resolve " + promise,
                "RejectAsync" => "promise.reject " + promise,
                _ => null,
            };
            if (text is not null)
            {
                Add(text, invocation.Syntax);
            }

            return;
        }

        if (method.ContainingType?.Name.EndsWith(JournalNames.ContextClientSuffix, StringComparison.Ordinal) == true)
        {
            ClientCall(invocation.Syntax, method.ContainingType.Name, method.Name);
            return;
        }

        if (method.DeclaringSyntaxReferences.Length > 0 && ReceivesContext(invocation) && Enter(method.OriginalDefinition))
        {
            // A helper of this compilation that receives the context: its steps are the caller's.
            var saved = new Dictionary<ISymbol, IOperation>(_localFunctions, SymbolEqualityComparer.Default);
            if (_bodies(method.OriginalDefinition) is { } body)
            {
                IndexLocalFunctions(body);
                Walk(body);
            }

            _localFunctions.Clear();
            foreach (var kv in saved)
            {
                _localFunctions[kv.Key] = kv.Value;
            }

            _inlined.RemoveAt(_inlined.Count - 1);
        }
    }

    private bool Enter(IMethodSymbol method)
    {
        if (_inlined.Count >= MaxInlineDepth)
        {
            return false;
        }

        foreach (var m in _inlined)
        {
            if (SymbolEqualityComparer.Default.Equals(m, method))
            {
                return false;
            }
        }

        _inlined.Add(method);
        return true;
    }

    private static bool ReceivesContext(IInvocationOperation invocation)
    {
        if (invocation.Instance?.Type is { } receiver && IsContextType(receiver))
        {
            return true;
        }

        foreach (var a in invocation.Arguments)
        {
            if (a.Value.Type is { } t && IsContextType(t))
            {
                return true;
            }
        }

        return false;
    }

    private void ContextCall(IInvocationOperation invocation, IMethodSymbol method)
    {
        var syntax = invocation.Syntax;
        switch (method.Name)
        {
            case "RunAsync":
                Add("run " + Quoted(Name(invocation, "name")) + Result(FutureResult(method.ReturnType)), syntax);
                return;
            case "SleepAsync":
                var sleepName = Name(invocation, "name");
                Add(sleepName is null ? "sleep" : "sleep " + StepNames.Quote(sleepName), syntax);
                return;
            case "NowAsync":
                Add("now", syntax);
                return;
            case "CallAsync":
            case "CallRawAsync":
                Add("call " + Target(invocation) + Result(FutureResult(method.ReturnType)), syntax);
                return;
            case "Send":
            case "SendRaw":
                Add("send " + Target(invocation), syntax);
                return;
            case "Awakeable":
                Add("awakeable" + (method.TypeArguments.Length == 1 ? Result(method.TypeArguments[0]) : ""), syntax);
                return;
            case "ResolveAwakeable":
                Add("resolve-awakeable", syntax);
                return;
            case "RejectAwakeable":
                Add("reject-awakeable", syntax);
                return;
            case "CancelInvocation":
                Add("cancel", syntax);
                return;
            case "GetAsync":
            case "TryGetAsync":
                Add("state.get " + Quoted(Name(invocation, "key")) + (method.TypeArguments.Length == 1 ? Result(method.TypeArguments[0]) : ""), syntax);
                return;
            case "Set":
                Add("state.set " + Quoted(Name(invocation, "key")), syntax);
                return;
            case "Clear":
                Add("state.clear " + Quoted(Name(invocation, "key")), syntax);
                return;
            case "ClearAll":
                Add("state.clear-all", syntax);
                return;
            case "GetStateKeysAsync":
                Add("state.keys", syntax);
                return;
        }
    }

    /// <summary>A call through a generated in-handler client (<c>new GreeterContextClient(ctx).GreetAsync(...)</c>).</summary>
    private void ClientCall(IInvalidOperation invalid)
    {
        // Inside the generator the generated clients do not exist yet: the call is invalid, so read it from syntax.
        if (invalid.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access } syntax
            && invalid.SemanticModel?.GetTypeInfo(access.Expression, _cancellationToken).Type is { } receiver
            && receiver.Name.EndsWith(JournalNames.ContextClientSuffix, StringComparison.Ordinal))
        {
            ClientCall(syntax, receiver.Name, access.Name.Identifier.ValueText);
        }
    }

    private void ClientCall(SyntaxNode syntax, string clientName, string methodName)
    {
        if (ClientTargets.Resolve(_compilation, clientName, methodName) is { } text)
        {
            Add(text, syntax);
        }
    }

    /// <summary>Whether <paramref name="condition"/> is <c>ctx.IsPatched("id")</c> (or its negation) with a constant id.</summary>
    private bool Gate(IOperation? condition, out string id, out bool negated)
    {
        id = "";
        negated = false;
        condition = StepNames.Unwrap(condition);
        if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = true;
            condition = StepNames.Unwrap(not.Operand);
        }

        if (condition is not IInvocationOperation { TargetMethod.Name: JournalNames.IsPatched } invocation
            || !(IsContextMethod(invocation.TargetMethod)
                || (invocation.TargetMethod.IsExtensionMethod && invocation.TargetMethod.Parameters.Length > 0 && IsContextType(invocation.TargetMethod.Parameters[0].Type))))
        {
            return false;
        }

        IOperation? value = null;
        foreach (var a in invocation.Arguments)
        {
            if (a.Parameter?.Type.SpecialType == SpecialType.System_String)
            {
                value = a.Value;
            }
        }

        var name = StepNames.Of(value, out var constant);
        if (!constant && value is not null)
        {
            NonConstantNames.Add(value.Syntax);
        }

        id = name ?? "*";
        return true;
    }

    private string? Name(IInvocationOperation invocation, string parameter)
    {
        foreach (var a in invocation.Arguments)
        {
            if (a.Parameter?.Name == parameter)
            {
                var name = StepNames.Of(a.Value, out var constant);
                if (!constant)
                {
                    NonConstantNames.Add(a.Value.Syntax);
                }

                return name;
            }
        }

        return null;
    }

    private static string Quoted(string? name) => StepNames.Quote(name ?? "*");

    private string PromiseName(IOperation? receiver)
    {
        receiver = StepNames.Unwrap(receiver);
        if (receiver is IInvocationOperation { TargetMethod.Name: "Promise" } creation && IsContextMethod(creation.TargetMethod))
        {
            return Quoted(Name(creation, "name"));
        }

        if (receiver is ILocalReferenceOperation local && _promiseNames.TryGetValue(local.Local, out var name))
        {
            return Quoted(name);
        }

        return Quoted(null);
    }

    private static string Target(IInvocationOperation invocation)
    {
        foreach (var a in invocation.Arguments)
        {
            if (a.Parameter?.Name == "target")
            {
                return ClientTargets.Of(a.Value);
            }
        }

        return "?";
    }

    private static ITypeSymbol? FutureResult(ITypeSymbol type)
        => type is INamedTypeSymbol { TypeArguments.Length: 1 } named && IsRuntimeType(named, JournalNames.DurableFuture) ? named.TypeArguments[0] : null;

    private static string Result(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { TypeArguments.Length: 1 } stateValue && IsRuntimeType(stateValue, JournalNames.StateValue))
        {
            type = stateValue.TypeArguments[0];
        }

        return type is null ? "" : " -> " + ContractHasher.Contract(type);
    }

    internal static bool IsRuntimeType(ITypeSymbol type, string name)
        => type.Name == name && type.ContainingNamespace is { Name: JournalNames.Namespace, ContainingNamespace.IsGlobalNamespace: true };

    internal static bool IsContextType(ITypeSymbol type)
    {
        if (IsRuntimeType(type, JournalNames.IContext))
        {
            return true;
        }

        foreach (var i in type.AllInterfaces)
        {
            if (IsRuntimeType(i, JournalNames.IContext))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsContextMethod(IMethodSymbol method) => method.ContainingType is { } t && IsContextType(t);
}
