using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

/// <summary>DA2001: <c>DateTime.UtcNow</c> and friends → the journaled <c>await ctx.NowAsync()</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ClockFixer)), Shared]
public sealed class ClockFixer : CodeFixProvider
{
    public const string Title = "Use the journaled time 'await ctx.NowAsync()'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonDeterministicClock);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not MemberAccessExpressionSyntax node
                || FixHelpers.FindScope(node, model, context.CancellationToken) is not { CanAwait: true } scope)
            {
                continue;
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
            if (replacement is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(node, FixHelpers.Expression(replacement, node)))),
                    equivalenceKey: nameof(ClockFixer)),
                diagnostic);
        }
    }
}

/// <summary>DA2002: <c>Guid.NewGuid()</c> → <c>ctx.NewGuid()</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GuidFixer)), Shared]
public sealed class GuidFixer : CodeFixProvider
{
    public const string Title = "Use the journaled 'ctx.NewGuid()'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonDeterministicGuid);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax node
                || !diagnostic.Properties.TryGetValue("Api", out var api) || api != "Guid.NewGuid"
                || FixHelpers.FindScope(node, model, context.CancellationToken) is not { } scope)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(node, FixHelpers.Expression(scope.ContextName + ".NewGuid()", node)))),
                    equivalenceKey: nameof(GuidFixer)),
                diagnostic);
        }
    }
}

/// <summary>DA2003: <c>Random.Shared.Next(…)</c> / <c>new Random().Next(…)</c> → <c>ctx.Random.Next(…)</c> (for the members DurableRandom has).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RandomFixer)), Shared]
public sealed class RandomFixer : CodeFixProvider
{
    public const string Title = "Use the journaled-seed 'ctx.Random'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonDeterministicRandom);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = FixHelpers.FindNode(root, diagnostic.Location.SourceSpan);
            if (node is not (MemberAccessExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)
                || !diagnostic.Properties.TryGetValue("Api", out var api) || api is not ("Random.Shared" or "new Random()")
                || !IsSupportedUse(node)
                || FixHelpers.FindScope(node, model, context.CancellationToken) is not { } scope)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(node, FixHelpers.Expression(scope.ContextName + ".Random", node)))),
                    equivalenceKey: nameof(RandomFixer)),
                diagnostic);
        }
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
