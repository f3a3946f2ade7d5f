using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Analyzers.Tests.Corpus;

/// <summary>What compiling the safe corpus and running every DurableAgents analyzer over it gave.</summary>
/// <param name="Files">The corpus files, by name, ordinal.</param>
/// <param name="Analyzers">The analyzer types that ran.</param>
/// <param name="CompilerProblems">Compiler errors and warnings (after the generators ran).</param>
/// <param name="DurableAgentsDiagnostics">Every DA diagnostic, of any severity, in a corpus file.</param>
/// <param name="Handlers">Per corpus file, its handler and tool methods (<c>Type.Method</c>).</param>
public sealed record CorpusRun(
    ImmutableArray<string> Files,
    ImmutableArray<string> Analyzers,
    ImmutableArray<Diagnostic> CompilerProblems,
    ImmutableArray<Diagnostic> DurableAgentsDiagnostics,
    ImmutableDictionary<string, ImmutableArray<string>> Handlers);
