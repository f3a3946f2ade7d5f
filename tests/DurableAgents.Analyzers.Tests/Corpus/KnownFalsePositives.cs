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
        // Empty: the corpus gets no DA diagnostic. An entry is (file, rule id, line), explained in KNOWN_FALSE_POSITIVES.md.
    ];

    public static IEnumerable<ExpectedFinding> For(string file) => All.Where(f => f.File == file);
}
