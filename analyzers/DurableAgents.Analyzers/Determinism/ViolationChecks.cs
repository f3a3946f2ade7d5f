using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// Turns the catalogue hits <see cref="BodyWalker"/> meets into <see cref="Violation"/>s on a call-graph node (static
/// state and hash order are <c>BodyWalker.StaticAndOrder.cs</c>).
/// </summary>
internal sealed class ViolationChecks
{
    public void Check(ApiHit? hit, IOperation operation, Node node, IMethodSymbol? unlessStepParameterOf = null, int ordinal = -1)
    {
        if (hit is not { } found)
        {
            return;
        }

        var descriptor = found.Rule switch
        {
            ApiRule.Clock => DiagnosticDescriptors.NonDeterministicClock,
            ApiRule.Guid => DiagnosticDescriptors.NonDeterministicGuid,
            ApiRule.Random => DiagnosticDescriptors.NonDeterministicRandom,
            ApiRule.Delay => DiagnosticDescriptors.NonDurableDelay,
            ApiRule.Concurrency => DiagnosticDescriptors.UnjournaledConcurrency,
            ApiRule.ConfigureAwait => DiagnosticDescriptors.ConfigureAwaitFalse,
            ApiRule.TaskCombinator => DiagnosticDescriptors.TaskCombinatorOverDurableFutures,
            ApiRule.Io => DiagnosticDescriptors.IoOutsideStep,
            ApiRule.Llm => DiagnosticDescriptors.LlmCallOutsideStep,
            ApiRule.AgentRun => DiagnosticDescriptors.AgentRunOutsideStep,
            _ => DiagnosticDescriptors.EnvironmentRead,
        };
        var location = operation.Syntax.GetLocation();
        if (node.Violations.Count > 0
            && node.Violations[node.Violations.Count - 1] is { } last
            && last.Descriptor == descriptor
            && last.Location.SourceTree == location.SourceTree
            && last.Location.SourceSpan.Contains(location.SourceSpan))
        {
            return; // TimeProvider.System.GetUtcNow(): one finding, at the outer call
        }

        string? extra = found.Rule == ApiRule.TaskCombinator ? "WhenAny" : null; // the journaled combinator to use
        node.Violations.Add(new Violation(descriptor, location, found.Display, extra, unlessStepParameterOf, ordinal));
    }
}
