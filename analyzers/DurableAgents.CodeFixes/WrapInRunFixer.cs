using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using DurableAgents.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using System.Linq;

namespace DurableAgents.CodeFixes;

/// <summary>
/// DA2008/DA2009: run the I/O or model call as a journaled step.
/// <c>await X</c> → <c>await ctx.RunAsync("Api", async ct =&gt; await X)</c>; a synchronous call with a value →
/// <c>await ctx.RunAsync("Api", ct =&gt; Task.FromResult(X))</c>; a synchronous statement →
/// <c>await ctx.RunAsync("Api", ct =&gt; { X; return Task.CompletedTask; });</c>. Passing <c>ct</c> on to the call is
/// left to the developer.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapInRunFixer)), Shared]
public sealed class WrapInRunFixer : CodeFixProvider
{
    public const string Title = "Run it as a journaled step (ctx.RunAsync)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.IoOutsideStep, RuleIds.LlmCallOutsideStep);

    private static readonly KeyedBatchFixer FixAll = new(nameof(WrapInRunFixer));

    public override FixAllProvider GetFixAllProvider() => FixAll;

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
            if (FixHelpers.FindNode(root, diagnostic.Location.SourceSpan) is not ExpressionSyntax call
                || call is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)
                || FixHelpers.FindScope(call, model, context.CancellationToken) is not { CanAwait: true } scope)
            {
                continue;
            }

            var name = diagnostic.Properties.TryGetValue("Api", out var api) && api is not null ? api : "step";
            var run = scope.ContextName + ".RunAsync(\"" + name.Replace("\"", "") + "\", ";
            var text = call.WithoutTrivia().ToFullString();

            SyntaxNode target;
            SyntaxNode replacement;
            if (call.Parent is AwaitExpressionSyntax awaitExpression)
            {
                target = awaitExpression;
                replacement = FixHelpers.Expression("await " + run + "async ct => await " + text + ")", awaitExpression);
            }
            else if (call.Parent is ExpressionStatementSyntax statement)
            {
                target = statement;
                replacement = Microsoft.CodeAnalysis.CSharp.SyntaxFactory.ParseStatement(
                        "await " + run + "ct => { " + text + "; return System.Threading.Tasks.Task.CompletedTask; });")
                    .WithTriviaFrom(statement);
            }
            else if (model.GetTypeInfo(call, context.CancellationToken).Type is { SpecialType: not SpecialType.System_Void } type
                     && !IsDisposable(type)
                     && !IsAwaitable(type))
            {
                target = call;
                replacement = FixHelpers.Expression("await " + run + "ct => System.Threading.Tasks.Task.FromResult(" + text + "))", call);
            }
            else
            {
                continue; // a stream, a disposable resource or an un-awaited task: no mechanical rewrite
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(target, replacement))),
                    equivalenceKey: nameof(WrapInRunFixer)),
                diagnostic);
        }
    }

    private static bool IsDisposable(ITypeSymbol type)
    {
        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.Name is "IDisposable" or "IAsyncDisposable")
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAwaitable(ITypeSymbol type) =>
        type.Name is "Task" or "ValueTask" or "IAsyncEnumerable" || type.AllInterfaces.Any(i => i.Name == "IAsyncEnumerable");
}
