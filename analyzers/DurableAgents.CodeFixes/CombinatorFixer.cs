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

/// <summary>
/// DA2007: <c>await Task.WhenAny(a.AsTask(), b.AsTask());</c> → <c>await ctx.WhenAny(a, b);</c>, only when the result is
/// unused (<c>ctx.WhenAny</c> returns the winner's index, not a task) and every argument is an <c>AsTask()</c>
/// conversion. <c>Task.WaitAny</c> and <c>Task.WhenEach</c> are reported but have no automatic fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CombinatorFixer)), Shared]
public sealed class CombinatorFixer() : ExpressionReplacementFixer(RuleIds.TaskCombinatorOverDurableFutures)
{
    public const string Title = "Use the journaled combinator 'ctx.{0}(...)'";

    private protected override Replacement? GetReplacement(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not InvocationExpressionSyntax invocation
            || invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WhenAny" }
            || invocation.Parent is not AwaitExpressionSyntax { Parent: ExpressionStatementSyntax }
            || FixHelpers.FindScope(invocation, model, cancellationToken) is not { } scope)
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

        return new Replacement(invocation, scope.ContextName + ".WhenAny(" + string.Join(", ", futures) + ")",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, Title, "WhenAny"));
    }
}
