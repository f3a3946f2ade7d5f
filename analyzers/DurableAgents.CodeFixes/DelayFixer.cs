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
