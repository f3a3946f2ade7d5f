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
internal sealed partial class StepWalker
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

    private void Add(string text, SyntaxNode node) => _lines.Add(new JournalLine(_depth, text, node));
}
