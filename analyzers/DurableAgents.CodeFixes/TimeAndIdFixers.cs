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

/// <summary>DA2002: <c>Guid.NewGuid()</c> → <c>ctx.NewGuid()</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GuidFixer)), Shared]
public sealed class GuidFixer() : ExpressionReplacementFixer(RuleIds.NonDeterministicGuid)
{
    public const string Title = "Use the journaled 'ctx.NewGuid()'";

    private protected override Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        => FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is InvocationExpressionSyntax node
           && diagnostic.Properties.TryGetValue("Api", out var api) && api == "Guid.NewGuid"
           && FixHelpers.FindScope(node, model, cancellationToken) is { } scope
            ? new Replacement(node, scope.ContextName + ".NewGuid()", Title)
            : null;
}

/// <summary>DA2003: <c>Random.Shared.Next(…)</c> / <c>new Random().Next(…)</c> → <c>ctx.Random.Next(…)</c> (for the members DurableRandom has).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RandomFixer)), Shared]
public sealed class RandomFixer() : ExpressionReplacementFixer(RuleIds.NonDeterministicRandom)
{
    public const string Title = "Use the journaled-seed 'ctx.Random'";

    private protected override Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var node = FixHelpers.FindNode(root, diagnostic.Location.SourceSpan);
        return node is MemberAccessExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax
               && diagnostic.Properties.TryGetValue("Api", out var api) && api is "Random.Shared" or "new Random()"
               && IsSupportedUse(node)
               && FixHelpers.FindScope(node, model, cancellationToken) is { } scope
            ? new Replacement(node, scope.ContextName + ".Random", Title)
            : null;
    }

    /// <summary>The random source is used right away through a member DurableRandom also has with that arity.</summary>
    private static bool IsSupportedUse(SyntaxNode node)
    {
        var expression = node.Parent is ParenthesizedExpressionSyntax parenthesized ? parenthesized : node;
        if (expression.Parent is not MemberAccessExpressionSyntax access || access.Expression != expression
            || access.Parent is not InvocationExpressionSyntax invocation)
        {
            return false;
        }

        var arguments = invocation.ArgumentList.Arguments.Count;
        return access.Name.Identifier.ValueText switch
        {
            "Next" => arguments is 1 or 2,
            "NextDouble" => arguments == 0,
            "NextBytes" => arguments == 1,
            _ => false,
        };
    }
}
