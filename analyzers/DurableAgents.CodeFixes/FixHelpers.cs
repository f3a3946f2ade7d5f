using System.Linq;
using System.Threading;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

/// <summary>Where a fix can put durable code: the context in scope and whether <c>await</c> is allowed there.</summary>
internal readonly record struct DurableScope(string ContextName, bool CanAwait);

internal static class FixHelpers
{
    /// <summary>
    /// The context parameter visible at <paramref name="node"/> (of the innermost enclosing function that has one,
    /// usually the handler), and whether the innermost enclosing function is async. Null when no context is in scope.
    /// </summary>
    public static DurableScope? FindScope(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var contextType = model.Compilation.GetTypeByMetadataName(KnownTypeNames.IContext);
        if (contextType is null)
        {
            return null;
        }

        bool? canAwait = null;
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax))
            {
                continue;
            }

            canAwait ??= ancestor switch
            {
                BaseMethodDeclarationSyntax declaration => declaration.Modifiers.Any(SyntaxKind.AsyncKeyword),
                LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.AsyncKeyword),
                AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
                _ => false,
            };

            var symbol = ancestor is AnonymousFunctionExpressionSyntax
                ? model.GetSymbolInfo(ancestor, cancellationToken).Symbol
                : model.GetDeclaredSymbol(ancestor, cancellationToken);
            if (symbol is IMethodSymbol method)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (SymbolEqualityComparer.Default.Equals(parameter.Type, contextType)
                        || parameter.Type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, contextType)))
                    {
                        return new DurableScope(parameter.Name, canAwait.Value);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Parses <paramref name="code"/> as an expression to put where <paramref name="replaced"/> was. An <c>await</c>
    /// expression is parenthesized when the position binds tighter (a member access, an operator, a cast).
    /// </summary>
    public static ExpressionSyntax Expression(string code, SyntaxNode replaced)
    {
        var expression = SyntaxFactory.ParseExpression(code);
        if (expression is AwaitExpressionSyntax
            && replaced.Parent is MemberAccessExpressionSyntax or ConditionalAccessExpressionSyntax or ElementAccessExpressionSyntax
                or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax or BinaryExpressionSyntax or CastExpressionSyntax)
        {
            expression = SyntaxFactory.ParenthesizedExpression(expression);
        }

        return expression.WithTriviaFrom(replaced);
    }

    public static SyntaxNode? FindNode(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true);
}
