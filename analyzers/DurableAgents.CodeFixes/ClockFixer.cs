using System.Composition;
using System.Threading;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

/// <summary>DA2001: <c>DateTime.UtcNow</c> and friends → the journaled <c>await ctx.NowAsync()</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ClockFixer)), Shared]
public sealed class ClockFixer() : ExpressionReplacementFixer(RuleIds.NonDeterministicClock)
{
    public const string Title = "Use the journaled time 'await ctx.NowAsync()'";

    private protected override Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not MemberAccessExpressionSyntax node
            || FixHelpers.FindScope(node, model, cancellationToken) is not { CanAwait: true } scope)
        {
            return null;
        }

        var now = $"(await {scope.ContextName}.NowAsync())";
        string? replacement = diagnostic.Properties.TryGetValue("Api", out var api) ? api switch
        {
            "DateTimeOffset.UtcNow" => $"await {scope.ContextName}.NowAsync()",
            "DateTimeOffset.Now" => now + ".ToLocalTime()",
            "DateTime.UtcNow" => now + ".UtcDateTime",
            "DateTime.Now" => now + ".LocalDateTime",
            "DateTime.Today" => now + ".LocalDateTime.Date",
            _ => null,
        } : null;
        return replacement is null ? null : new Replacement(node, replacement, Title);
    }
}
