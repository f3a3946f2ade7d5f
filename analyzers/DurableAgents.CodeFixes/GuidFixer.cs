using System.Composition;
using System.Threading;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

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
