namespace DurableAgents.Analyzers.Tests.Corpus;

/// <summary>
/// The analyzer findings the safe corpus is known to get although the code is replay-safe, one entry per diagnostic
/// (file, rule, line), each explained in <c>Corpus/KNOWN_FALSE_POSITIVES.md</c>. <see cref="SafeCorpusTests"/> checks
/// this list exactly: a finding not listed fails, and so does a listed one that no longer appears (when the rule is
/// fixed, remove its entry here and in the markdown file).
/// </summary>
public static class KnownFalsePositives
{
    public static IReadOnlyList<ExpectedFinding> All { get; } =
    [
        // FP1: a helper runs its delegate parameter inside its own RunAsync body (ContextExtensions.TimedStepAsync).
        new("Reporting.cs", RuleIds.IoOutsideStep, 97),
        new("Reporting.cs", RuleIds.IoOutsideStep, 98),
    ];

    public static IEnumerable<ExpectedFinding> For(string file) => All.Where(f => f.File == file);
}
