using System.Composition;
using System.Threading;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

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
