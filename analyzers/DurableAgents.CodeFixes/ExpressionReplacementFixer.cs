using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace DurableAgents.CodeFixes;

/// <summary>What an <see cref="ExpressionReplacementFixer"/> puts where: the node to replace, the C# text and the action title.</summary>
internal readonly record struct Replacement(SyntaxNode Target, string Text, string Title);

/// <summary>
/// The shape every "replace this expression with the durable equivalent" fix shares: fetch the root and the semantic
/// model once, ask the subclass for a replacement per diagnostic, and register a batch-fixable action.
/// </summary>
public abstract class ExpressionReplacementFixer : CodeFixProvider
{
    private readonly ImmutableArray<string> _ids;
    private readonly KeyedBatchFixer _fixAll;

    private protected ExpressionReplacementFixer(string diagnosticId)
    {
        _ids = ImmutableArray.Create(diagnosticId);
        _fixAll = new KeyedBatchFixer(GetType().Name);
    }

    public sealed override ImmutableArray<string> FixableDiagnosticIds => _ids;

    public sealed override FixAllProvider GetFixAllProvider() => _fixAll;

    /// <summary>The replacement for <paramref name="diagnostic"/>, or null when this occurrence has no safe fix.</summary>
    private protected abstract Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken);

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (GetReplacement(root, model, diagnostic, context.CancellationToken) is not { } replacement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    replacement.Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(replacement.Target, FixHelpers.Expression(replacement.Text, replacement.Target)))),
                    equivalenceKey: GetType().Name),
                diagnostic);
        }
    }
}
