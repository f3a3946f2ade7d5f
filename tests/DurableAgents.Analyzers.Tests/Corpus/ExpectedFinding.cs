namespace DurableAgents.Analyzers.Tests.Corpus;

/// <summary>
/// A diagnostic the safe corpus is known to get although the code is replay-safe (an analyzer false positive,
/// described in <c>KNOWN_FALSE_POSITIVES.md</c>): the corpus file name, the rule id and the 1-based line.
/// </summary>
public sealed record ExpectedFinding(string File, string RuleId, int Line)
{
    public override string ToString() => $"{File}({Line}): {RuleId}";
}
