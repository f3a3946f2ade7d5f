using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Generator.Tests.Infrastructure;

/// <summary>Global analyzer-config options (<c>build_property.*</c>) for generator runs.</summary>
public sealed class TestOptionsProvider(ImmutableDictionary<string, string> global) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    /// <summary>The options of a build with <c>-p:DurableAgentsJournalLock=update</c>.</summary>
    public static TestOptionsProvider JournalUpdate { get; } = new(ImmutableDictionary<string, string>.Empty.Add("build_property.DurableAgentsJournalLock", "update"));

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
