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

/// <summary>DA1001: add <c>partial</c> to the durable class and to every containing type that lacks it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialFixer)), Shared]
public sealed class MakePartialFixer : CodeFixProvider
{
    public const string Title = "Make the class partial";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.DurableClassMustBePartial);

    private static readonly KeyedBatchFixer FixAll = new(nameof(MakePartialFixer));

    public override FixAllProvider GetFixAllProvider() => FixAll;

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
