using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

/// <summary>DA2004: <c>await Task.Delay(x)</c> and <c>Thread.Sleep(x)</c> → <c>await ctx.SleepAsync(x)</c>, a durable timer.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DelayFixer)), Shared]
public sealed class DelayFixer() : ExpressionReplacementFixer(RuleIds.NonDurableDelay)
{
    public const string Title = "Use the durable timer 'await ctx.SleepAsync(...)'";

    private protected override Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax invocation
            || invocation.ArgumentList.Arguments.Count == 0
            || !diagnostic.Properties.TryGetValue("Api", out var api)
            || FixHelpers.FindScope(invocation, model, cancellationToken) is not { CanAwait: true } scope)
        {
            return null;
        }

        var duration = invocation.ArgumentList.Arguments[0].Expression;
        var durationType = model.GetTypeInfo(duration, cancellationToken).Type;
        var durationText = durationType?.Name == "TimeSpan"
            ? duration.WithoutTrivia().ToFullString()
            : "System.TimeSpan.FromMilliseconds(" + duration.WithoutTrivia().ToFullString() + ")";
        var sleep = scope.ContextName + ".SleepAsync(" + durationText + ")";
        return api switch
        {
            "Task.Delay" when invocation.Parent is AwaitExpressionSyntax => new Replacement(invocation, sleep, Title),
            "Thread.Sleep" when invocation.Parent is ExpressionStatementSyntax => new Replacement(invocation, "await " + sleep, Title),
            _ => null,
        };
    }
}

/// <summary>DA2007: <c>Task.WhenAll(a.AsTask(), b.AsTask())</c> → <c>ctx.WhenAll(a, b)</c> (WhenAny only when its result is unused: it returns an index, not a task).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CombinatorFixer)), Shared]
public sealed class CombinatorFixer() : ExpressionReplacementFixer(RuleIds.TaskCombinatorOverDurableFutures)
{
    public const string Title = "Use the journaled combinator 'ctx.{0}(...)'";

    private protected override Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax invocation
            || invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name and ("WhenAll" or "WhenAny") }
            || FixHelpers.FindScope(invocation, model, cancellationToken) is not { } scope)
        {
            return null;
        }

        if (name == "WhenAny" && invocation.Parent is not AwaitExpressionSyntax { Parent: ExpressionStatementSyntax })
        {
            return null;
        }

        // Every argument must be future.AsTask(): the futures themselves go to the context's combinator.
        var futures = new System.Collections.Generic.List<string>();
        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            if (argument.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsTask" } asTask, ArgumentList.Arguments.Count: 0 })
            {
                futures.Add(asTask.Expression.WithoutTrivia().ToFullString());
            }
            else
            {
                futures.Clear();
                break;
            }
        }

        if (futures.Count == 0)
        {
            return null;
        }

        return new Replacement(invocation, scope.ContextName + "." + name + "(" + string.Join(", ", futures) + ")",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, Title, name));
    }
}

/// <summary>DA1001: add <c>partial</c> to the durable class and to every containing type that lacks it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialFixer)), Shared]
public sealed class MakePartialFixer : CodeFixProvider
{
    public const string Title = "Make the class partial";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.DurableClassMustBePartial);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(MakePartial(root, declaration))),
                    equivalenceKey: nameof(MakePartialFixer)),
                diagnostic);
        }
    }

    private static SyntaxNode MakePartial(SyntaxNode root, TypeDeclarationSyntax declaration)
    {
        var targets = new System.Collections.Generic.List<TypeDeclarationSyntax>();
        for (SyntaxNode? current = declaration; current is TypeDeclarationSyntax type; current = current.Parent)
        {
            if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                targets.Add(type);
            }
        }

        return root.ReplaceNodes(targets, (original, rewritten) =>
        {
            // 'partial' goes last among the modifiers, right before the 'class' keyword.
            var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            if (rewritten.Modifiers.Count == 0)
            {
                partial = partial.WithLeadingTrivia(rewritten.Keyword.LeadingTrivia);
                return rewritten.WithKeyword(rewritten.Keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
            }

            return rewritten.WithModifiers(rewritten.Modifiers.Add(partial));
        });
    }
}
