using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// DA2013: a <c>[DurableTool]</c> body (with its lambdas and local functions) that writes a mutable static field or
/// property, or changes a static collection or array (<c>s_seen.Add(x)</c>, <c>s_cache[key] = v</c>). The body is a journaled step: on replay, or on another replica, it does not run, so the static state it
/// leaves behind is missing there.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ToolStaticStateAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MutableStaticWriteInTool);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (known?.DurableToolAttribute is null)
            {
                return;
            }

            start.RegisterOperationBlockAction(c => AnalyzeBlock(c, known));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, KnownSymbols known)
    {
        if (context.OwningSymbol is not IMethodSymbol method || !known.IsTool(method))
        {
            return;
        }

        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                var target = operation switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation increment => increment.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                    _ => null,
                };
                var written = target is not null ? MutableStatic(target) : StaticState.ChangedCollection(operation, orReassigns: false);
                if (written is not null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.MutableStaticWriteInTool,
                        (target ?? operation).Syntax.GetLocation(),
                        method.Name,
                        written.ContainingType?.Name + "." + written.Name));
                }
            }
        }
    }

    /// <summary>The mutable static field or settable static property written through <paramref name="target"/>, or null.</summary>
    private static ISymbol? MutableStatic(IOperation target) => OperationHelpers.WalkDownConversion(target) switch
    {
        IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: false, IsConst: false } field } => field,
        IPropertyReferenceOperation { Property: { IsStatic: true, SetMethod: not null } property } => property,
        _ => null,
    };
}
