using System.Collections.Generic;
using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.Analyzers.Context;

/// <summary>
/// DA3002: a step body (a delegate the runtime runs as a journaled step, <c>[RunsInDurableStep]</c>) that changes
/// state which outlives it and is read: a field or property of this instance or a static one that its type reads, or a
/// captured local or parameter that the code after the step reads. On replay the step body does not run, so the change
/// is lost.
/// Writes made by local functions and same-file methods that the body calls count as the body's own.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StepMutationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CapturedVariableMutatedInsideStep);

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

            var mutations = new StepMutations();
            var reads = new ObservedReads();
            start.RegisterOperationAction(c => AnalyzeLambda(c, known, mutations, reads), OperationKind.AnonymousFunction);
            start.RegisterOperationAction(c => AnalyzeMethodGroup(c, known, mutations, reads), OperationKind.MethodReference);
        });
    }

    private static void AnalyzeLambda(OperationAnalysisContext context, KnownSymbols known, StepMutations mutations, ObservedReads reads)
    {
        var lambda = (IAnonymousFunctionOperation)context.Operation;
        if (!StepBodies.IsStepBody(lambda, known))
        {
            return;
        }

        Report(context, lambda, mutations.Collect(lambda.Body), reads);
    }

    /// <summary><c>ctx.RunAsync("name", FetchAsync)</c>: the method's body is the step.</summary>
    private static void AnalyzeMethodGroup(OperationAnalysisContext context, KnownSymbols known, StepMutations mutations, ObservedReads reads)
    {
        var reference = (IMethodReferenceOperation)context.Operation;
        if (StepBodies.ModeOfDestination(reference, known) != StepMode.Delegate || reference.SemanticModel is not { } model)
        {
            return;
        }

        var writes = new List<(ISymbol, IOperation)>();
        foreach (var root in mutations.WritesOf(reference.Method, reference.Instance, model))
        {
            writes.Add((root, reference));
        }

        Report(context, reference, writes, reads);
    }

    /// <summary>
    /// Reports each write whose root outlives the step and is read: a field or property when its type reads it
    /// anywhere (fields outlive the invocation), a captured local or parameter when the code after the step reads it
    /// (one walk of the enclosing body for all of them).
    /// </summary>
    private static void Report(OperationAnalysisContext context, IOperation step, List<(ISymbol Root, IOperation Site)> writes, ObservedReads reads)
    {
        if (writes.Count == 0 || step.SemanticModel is not { } model)
        {
            return;
        }

        var stepSpan = step.Syntax.Span;
        var tree = step.Syntax.SyntaxTree;
        var captured = new List<(ISymbol Root, IOperation Site)>();
        var reported = new HashSet<(ISymbol, TextSpan)>();
        foreach (var (root, site) in writes)
        {
            switch (root)
            {
                case ILocalSymbol or IParameterSymbol when StepMutations.DeclaredWithin(root, tree, stepSpan):
                    break; // the step's own variable
                case ILocalSymbol or IParameterSymbol:
                    captured.Add((root, site));
                    break;
                default:
                    if (reads.IsReadInItsType(root, model))
                    {
                        ReportOnce(context, reported, root, site);
                    }

                    break;
            }
        }

        if (captured.Count == 0)
        {
            return;
        }

        var readAfter = ReadAfterStep(step, captured);
        foreach (var (root, site) in captured)
        {
            if (readAfter.Contains(root))
            {
                ReportOnce(context, reported, root, site);
            }
        }
    }

    private static void ReportOnce(OperationAnalysisContext context, HashSet<(ISymbol, TextSpan)> reported, ISymbol root, IOperation site)
    {
        if (reported.Add((root, site.Syntax.Span)))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CapturedVariableMutatedInsideStep, site.Syntax.GetLocation(), root.Name));
        }
    }

    /// <summary>
    /// The captured variables whose value the code after the step observes: a read (not a plain overwrite, an
    /// <c>out</c> argument or a discarded <c>Add</c>) after the step, inside another lambda or local function (it may
    /// run later), or, when the step sits in a loop and the variable is declared outside that loop, anywhere in the
    /// loop including the step itself (the next iteration sees the value).
    /// </summary>
    private static HashSet<ISymbol> ReadAfterStep(IOperation step, List<(ISymbol Root, IOperation Site)> captured)
    {
        var stepSpan = step.Syntax.Span;
        var loops = EnclosingLoops(step);
        var thresholds = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
        var loopCase = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var (root, _) in captured)
        {
            if (thresholds.ContainsKey(root))
            {
                continue;
            }

            var threshold = stepSpan.End;
            foreach (var loop in loops)
            {
                if (!StepMutations.DeclaredWithin(root, step.Syntax.SyntaxTree, loop.Syntax.Span) && loop.Syntax.SpanStart < threshold)
                {
                    threshold = loop.Syntax.SpanStart;
                    loopCase.Add(root);
                }
            }

            thresholds[root] = threshold;
        }

        IOperation top = step;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in top.Descendants())
        {
            ISymbol? symbol = operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is null || !thresholds.TryGetValue(symbol, out var threshold) || read.Contains(symbol) || ObservedReads.IsWriteOnly(operation))
            {
                continue;
            }

            var span = operation.Syntax.Span;
            var inStep = stepSpan.Contains(span);
            if (inStep
                    ? loopCase.Contains(symbol)
                    : span.Start >= threshold || InOtherFunction(operation, stepSpan))
            {
                read.Add(symbol);
            }
        }

        return read;
    }

    /// <summary>The loops around the step, inside the function that contains it.</summary>
    private static List<ILoopOperation> EnclosingLoops(IOperation step)
    {
        var loops = new List<ILoopOperation>();
        for (var current = step.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation loop)
            {
                loops.Add(loop);
            }
            else if (current is IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyBaseOperation)
            {
                break;
            }
        }

        return loops;
    }

    /// <summary>The reference is inside a lambda or local function other than the step (it may run after the step).</summary>
    private static bool InOtherFunction(IOperation reference, TextSpan stepSpan)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return !current.Syntax.Span.Contains(stepSpan);
            }
        }

        return false;
    }
}
