using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// Walks one handler body (operations, in evaluation order) into manifest lines: the context calls that write journal
/// entries, with branches, loops and version gates summarised as blocks, and helper methods of the compilation that
/// receive the context inlined (recursion guard, depth limit). Lambdas are not walked: a step delegate runs inside
/// its step, and a delegate handed to unknown code is not visible (docs/journal-lock.md, limitations).
/// </summary>
internal sealed class StepWalker
{
    private const int MaxInlineDepth = 8;

    private readonly Compilation _compilation;
    private readonly Func<IMethodSymbol, IOperation?> _bodies;
    private readonly CancellationToken _cancellationToken;
    private readonly List<IMethodSymbol> _inlined = new();
    private readonly Dictionary<ISymbol, string?> _promiseNames = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, IOperation> _localFunctions = new(SymbolEqualityComparer.Default);
    private List<JournalLine> _lines = new();
    private int _depth;

    public StepWalker(Compilation compilation, Func<IMethodSymbol, IOperation?> bodies, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _bodies = bodies;
        _cancellationToken = cancellationToken;
    }

    public List<JournalLine> Lines => _lines;

    public List<SyntaxNode> NonConstantNames { get; } = new();

    /// <summary>Walks the body of <paramref name="method"/> (a handler).</summary>
    public void WalkMethod(IMethodSymbol method)
    {
        if (_bodies(method) is { } body)
        {
            _inlined.Add(method);
            IndexLocalFunctions(body);
            Walk(body);
            _inlined.RemoveAt(_inlined.Count - 1);
        }
    }

    private void IndexLocalFunctions(IOperation body)
    {
        foreach (var op in body.Descendants())
        {
            if (op is ILocalFunctionOperation local)
            {
                _localFunctions[local.Symbol] = local;
            }
        }
    }

    private void Walk(IOperation? op)
    {
        if (op is null)
        {
            return;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        switch (op)
        {
            case IAnonymousFunctionOperation:
            case ILocalFunctionOperation:
            case IDelegateCreationOperation:
                return;
            case IConditionalOperation conditional:
                if (Gate(conditional.Condition, out var id, out var negated))
                {
                    Patch(op, id, negated ? conditional.WhenFalse : conditional.WhenTrue, negated ? conditional.WhenTrue : conditional.WhenFalse);
                    return;
                }

                Walk(conditional.Condition);
                Branch(op, conditional.WhenTrue, conditional.WhenFalse);
                return;
            case ISwitchOperation @switch:
                Walk(@switch.Value);
                var cases = new IOperation?[@switch.Cases.Length];
                for (var i = 0; i < cases.Length; i++)
                {
                    cases[i] = @switch.Cases[i];
                }

                Branch(op, cases);
                return;
            case ISwitchCaseOperation @case:
                foreach (var s in @case.Body)
                {
                    Walk(s);
                }

                return;
            case ISwitchExpressionOperation switchExpression:
                Walk(switchExpression.Value);
                var arms = new IOperation?[switchExpression.Arms.Length];
                for (var i = 0; i < arms.Length; i++)
                {
                    arms[i] = switchExpression.Arms[i].Value;
                }

                Branch(op, arms);
                return;
            case IForEachLoopOperation forEach:
                Walk(forEach.Collection);
                Loop(op, forEach.Body);
                return;
            case IForLoopOperation forLoop:
                foreach (var b in forLoop.Before)
                {
                    Walk(b);
                }

                var parts = new List<IOperation?> { forLoop.Condition, forLoop.Body };
                foreach (var bottom in forLoop.AtLoopBottom)
                {
                    parts.Add(bottom);
                }

                Loop(op, parts.ToArray());
                return;
            case IWhileLoopOperation whileLoop:
                Loop(op, whileLoop.ConditionIsTop ? whileLoop.Condition : whileLoop.Body, whileLoop.ConditionIsTop ? whileLoop.Body : whileLoop.Condition);
                return;
            case ITryOperation tryOperation:
                Walk(tryOperation.Body);
                foreach (var c in tryOperation.Catches)
                {
                    Branch(c, c.Handler);
                }

                Walk(tryOperation.Finally);
                return;
            case ICoalesceOperation coalesce:
                Walk(coalesce.Value);
                Branch(op, coalesce.WhenNull);
                return;
            case IConditionalAccessOperation access:
                Walk(access.Operation);
                Branch(op, access.WhenNotNull);
                return;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical:
                Walk(logical.LeftOperand);
                Branch(op, logical.RightOperand);
                return;
            case IVariableDeclaratorOperation declarator:
                if (StepNames.Unwrap(declarator.Initializer?.Value) is IInvocationOperation { TargetMethod.Name: "Promise" } promise && IsContextMethod(promise.TargetMethod))
                {
                    _promiseNames[declarator.Symbol] = Name(promise, "name");
                }

                Walk(declarator.Initializer);
                return;
            case IAwaitOperation awaitOperation:
                Walk(awaitOperation.Operation);
                if (StepNames.Unwrap(awaitOperation.Operation) is { Type: INamedTypeSymbol promiseType } awaited && IsRuntimeType(promiseType, JournalNames.DurablePromise))
                {
                    // `await promise` is GetAsync().
                    Add("promise.get " + PromiseName(awaited) + Result(promiseType.TypeArguments[0]), op.Syntax);
                }

                return;
            case IInvocationOperation invocation:
                if (Gate(invocation, out var gateId, out _))
                {
                    Patch(op, gateId, null, null);
                    return;
                }

                Walk(invocation.Instance);
                foreach (var a in invocation.Arguments)
                {
                    Walk(a.Value);
                }

                Invocation(invocation);
                return;
            case IInvalidOperation invalid:
                foreach (var child in invalid.ChildOperations)
                {
                    Walk(child);
                }

                ClientCall(invalid);
                return;
            default:
                foreach (var child in op.ChildOperations)
                {
                    Walk(child);
                }

                return;
        }
    }

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

    private void Branch(IOperation owner, params IOperation?[] arms)
    {
        var captured = new List<List<JournalLine>>(arms.Length);
        var any = false;
        foreach (var arm in arms)
        {
            var lines = Capture(arm);
            any |= lines.Count > 0;
            captured.Add(lines);
        }

        if (!any)
        {
            return;
        }

        Add("if", owner.Syntax);
        var first = true;
        foreach (var lines in captured)
        {
            if (lines.Count == 0 && !first)
            {
                continue;
            }

            if (!first)
            {
                Add("else", owner.Syntax);
            }

            _lines.AddRange(lines);
            first = false;
        }

        Add("end", owner.Syntax);
    }

    private void Loop(IOperation owner, params IOperation?[] parts)
    {
        _depth++;
        var saved = _lines;
        _lines = new List<JournalLine>();
        foreach (var part in parts)
        {
            Walk(part);
        }

        var body = _lines;
        _lines = saved;
        _depth--;
        if (body.Count > 0)
        {
            Add("loop", owner.Syntax);
            _lines.AddRange(body);
            Add("end", owner.Syntax);
        }
    }

    private void Patch(IOperation owner, string id, IOperation? patched, IOperation? old)
    {
        var newPath = Capture(patched);
        var oldPath = Capture(old);
        Add("patch " + StepNames.Quote(id), owner.Syntax);
        _lines.AddRange(newPath);
        if (oldPath.Count > 0)
        {
            Add("else", owner.Syntax);
            _lines.AddRange(oldPath);
        }

        Add("end", owner.Syntax);
    }

    private List<JournalLine> Capture(IOperation? op)
    {
        _depth++;
        var saved = _lines;
        _lines = new List<JournalLine>();
        Walk(op);
        var captured = _lines;
        _lines = saved;
        _depth--;
        return captured;
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

    private void Add(string text, SyntaxNode node) => _lines.Add(new JournalLine(_depth, text, node));

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
