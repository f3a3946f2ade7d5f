using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using DurableAgents.Analyzers.Determinism;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// DA3001 through helpers: a step body that calls a method of this compilation (or is a method group) which, itself or
/// through what it calls, issues a durable operation (<c>ctx.RunAsync("a", async _ =&gt; await Helper(ctx))</c>). Each
/// body is walked once into a summary (its first durable operation outside steps, the methods it calls); the call
/// sites in step bodies are resolved against the summaries at the compilation end, with the call chain in the message.
/// </summary>
internal sealed class NestedContextUse
{
    private readonly KnownSymbols _known;
    private readonly ConcurrentDictionary<IMethodSymbol, Summary> _summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentBag<(Location Location, IMethodSymbol Callee)> _sites = new();

    public NestedContextUse(KnownSymbols known) => _known = known;

    public static DiagnosticDescriptor EndDescriptor { get; } = DiagnosticDescriptors.AsCompilationEnd(DiagnosticDescriptors.ContextUsedInsideStep);

    public void AnalyzeBlock(OperationBlockAnalysisContext context)
    {
        if (context.OwningSymbol is not IMethodSymbol method)
        {
            return;
        }

        var summary = GetSummary(method);
        foreach (var block in context.OperationBlocks)
        {
            Visit(block, summary, inStep: false);
        }
    }

    public void Report(CompilationAnalysisContext context)
    {
        var chains = new Dictionary<IMethodSymbol, string?>(SymbolEqualityComparer.Default);
        var reported = new HashSet<Location>();
        foreach (var (location, callee) in _sites)
        {
            if (!chains.TryGetValue(callee, out var chain))
            {
                chain = FindChain(callee);
                chains.Add(callee, chain);
            }

            if (chain is not null && reported.Add(location))
            {
                context.ReportDiagnostic(Diagnostic.Create(EndDescriptor, location, chain));
            }
        }
    }

    private Summary GetSummary(IMethodSymbol function) =>
        _summaries.GetOrAdd(BodyWalker.Normalize(function), f => new Summary((IMethodSymbol)f));

    /// <summary>The shortest chain from <paramref name="start"/> to a durable operation (<c>Helper.Pause → ctx.SleepAsync</c>), or null.</summary>
    private string? FindChain(IMethodSymbol start)
    {
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { start };
        var queue = new Queue<(IMethodSymbol, string)>();
        queue.Enqueue((start, BodyWalker.DisplayOf(start)));
        while (queue.Count > 0)
        {
            var (function, chain) = queue.Dequeue();
            if (!_summaries.TryGetValue(function, out var summary))
            {
                continue;
            }

            IMethodSymbol[] callees;
            lock (summary)
            {
                if (summary.Operation is { } operation)
                {
                    return chain + " → " + operation;
                }

                callees = summary.Callees.ToArray();
            }

            foreach (var callee in callees)
            {
                if (visited.Add(callee))
                {
                    queue.Enqueue((callee, chain + " → " + BodyWalker.DisplayOf(callee)));
                }
            }
        }

        return null;
    }

    private void Visit(IOperation? operation, Summary summary, bool inStep)
    {
        if (operation is null)
        {
            return;
        }

        switch (operation)
        {
            case ILocalFunctionOperation localFunction:
                Visit(localFunction.Body ?? localFunction.IgnoredBody, GetSummary(localFunction.Symbol), inStep: false);
                return;

            case IAnonymousFunctionOperation lambda when !inStep && StepBodies.IsStepBody(lambda, _known):
                // Direct context use in the step is DA3001 already (ContextUsageAnalyzer.AnalyzeLambda); collect its calls.
                Visit(lambda.Body, summary, inStep: true);
                return;

            case IInvocationOperation invocation:
                var callee = BodyWalker.Normalize(invocation.TargetMethod);
                if (IsFollowed(callee))
                {
                    if (inStep)
                    {
                        if (!IsAwaitedDurableFuture(invocation))
                        {
                            _sites.Add((invocation.Syntax.GetLocation(), callee));
                        }
                    }
                    else
                    {
                        summary.AddCallee(callee);
                    }
                }
                else if (!inStep && _known.IsContextMember(invocation.TargetMethod) && IsOnContext(invocation.Instance))
                {
                    summary.SetOperation("ctx." + invocation.TargetMethod.Name);
                }

                break;

            case IMethodReferenceOperation methodReference when IsFollowed(BodyWalker.Normalize(methodReference.Method)):
                var target = BodyWalker.Normalize(methodReference.Method);
                if (inStep || StepBodies.ModeOfDestination(methodReference, _known) == StepMode.Delegate)
                {
                    _sites.Add((methodReference.Syntax.GetLocation(), target)); // a method group that is (or runs in) a step
                }
                else
                {
                    summary.AddCallee(target);
                }

                break;

            case IPropertyReferenceOperation property when !inStep
                                                           && _known.IsContextMember(property.Property)
                                                           && !ContextUsageAnalyzer.IsMetadataMember(property.Property.Name)
                                                           && IsOnContext(property.Instance):
                summary.SetOperation("ctx." + property.Property.Name);
                break;
        }

        foreach (var child in operation.ChildOperations)
        {
            Visit(child, summary, inStep);
        }
    }

    /// <summary><c>await Helper(ctx)</c> where the helper returns a durable future: AnalyzeLambda reports the await already.</summary>
    private bool IsAwaitedDurableFuture(IInvocationOperation invocation)
    {
        var parent = invocation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent is IAwaitOperation && _known.IsDurableAwaitable(invocation.Type);
    }

    private bool IsOnContext(IOperation? instance) => instance is null || _known.IsContextType(instance.Type);

    private bool IsFollowed(IMethodSymbol method) =>
        method.MethodKind == MethodKind.LocalFunction
        || (method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet
            && !method.IsAbstract
            && method.Locations.Length > 0
            && method.Locations[0].IsInSource
            && !_known.IsContextMember(method));

    /// <summary>What one method or local function does outside steps: its first durable operation and the methods it calls.</summary>
    private sealed class Summary
    {
        public Summary(IMethodSymbol function) => Function = function;

        public IMethodSymbol Function { get; }

        public string? Operation { get; private set; }

        public HashSet<IMethodSymbol> Callees { get; } = new(SymbolEqualityComparer.Default);

        public void SetOperation(string operation)
        {
            lock (this)
            {
                Operation ??= operation;
            }
        }

        public void AddCallee(IMethodSymbol callee)
        {
            lock (this)
            {
                Callees.Add(callee);
            }
        }
    }
}
