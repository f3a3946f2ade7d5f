using System.Collections.Immutable;
using System.Composition;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DurableAgents.Analyzers;
using DurableAgents.Analyzers.JournalLock;
using DurableAgents.Generator.Journal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.CodeFixes;

/// <summary>
/// DA4001 on a renamed step (<c>run</c>, <c>sleep</c>, a state key, a promise): keep the old name for invocations in
/// flight behind a version gate. The statement becomes
/// <c>if (ctx.IsPatched("new-name")) { statement } else { statement with the old name }</c>; a declared local is
/// hoisted (<c>T x; if (...) { x = ...; } else { x = ...; }</c>). The journal lock then sees a patch block whose
/// <c>else</c> arm keeps the locked entry (DA4003: accept it).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(VersionGateFixer)), Shared]
public sealed class VersionGateFixer : CodeFixProvider
{
    public const string Title = "Keep the old journal for in-flight runs (version gate)";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.JournalIncompatibleChange);

    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(JournalProperties.Reason, out var reason) || reason != "renamed"
                || !diagnostic.Properties.TryGetValue(JournalProperties.Locked, out var locked) || locked is null
                || !diagnostic.Properties.TryGetValue(JournalProperties.Current, out var current) || current is null
                || Unquote(EntryText.Name(locked)) is not { } oldName
                || Unquote(EntryText.Name(current)) is not { } newName
                || !Renamable(EntryText.Kind(current)))
            {
                continue;
            }

            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation?.Expression is not MemberAccessExpressionSyntax access || NameArgument(invocation, newName) is not { } argument
                || invocation.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax or SwitchSectionSyntax } statement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => GateAsync(context.Document, root, statement, argument, access.Expression, newName, oldName, ct), equivalenceKey: nameof(VersionGateFixer)),
                diagnostic);
        }
    }

    private static bool Renamable(string kind)
        => kind is "run" or "sleep" || kind.StartsWith("state.", System.StringComparison.Ordinal) || kind.StartsWith("promise.", System.StringComparison.Ordinal);

    /// <summary>The literal argument that spells <paramref name="name"/>.</summary>
    private static LiteralExpressionSyntax? NameArgument(InvocationExpressionSyntax invocation, string name)
    {
        foreach (var node in invocation.DescendantNodes())
        {
            if (node is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression) && literal.Token.ValueText == name)
            {
                return literal;
            }
        }

        return null;
    }

    private static async Task<Document> GateAsync(Document document, SyntaxNode root, StatementSyntax statement, LiteralExpressionSyntax argument,
        ExpressionSyntax context, string newName, string oldName, CancellationToken cancellationToken)
    {
        var oldStatement = statement.ReplaceNode(argument, SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(oldName)).WithTriviaFrom(argument));
        var indent = Indentation(statement);
        var gate = context.WithoutTrivia().ToString() + ".IsPatched(" + SyntaxFactory.Literal(newName).Text + ")";
        string? hoisted = null;
        string newText, oldText;
        if (statement is LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration
            && declaration.Declaration.Variables[0].Initializer is { } initializer
            && oldStatement is LocalDeclarationStatementSyntax oldDeclaration
            && oldDeclaration.Declaration.Variables[0].Initializer is { } oldInitializer)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var local = model?.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) as ILocalSymbol;
            var type = local is null || model is null ? declaration.Declaration.Type.ToString() : local.Type.ToMinimalDisplayString(model, statement.SpanStart);
            var name = declaration.Declaration.Variables[0].Identifier.ValueText;
            hoisted = type + " " + name + ";";
            newText = name + " = " + initializer.Value.WithoutTrivia().ToFullString() + ";";
            oldText = name + " = " + oldInitializer.Value.WithoutTrivia().ToFullString() + ";";
        }
        else
        {
            newText = statement.WithoutTrivia().ToFullString();
            oldText = oldStatement.WithoutTrivia().ToFullString();
        }

        var sb = new StringBuilder();
        sb.Append("if (").Append(gate).Append(")\n")
            .Append(indent).Append("{\n")
            .Append(indent).Append("    ").Append(Reindent(newText)).Append('\n')
            .Append(indent).Append("}\n")
            .Append(indent).Append("else\n")
            .Append(indent).Append("{\n")
            .Append(indent).Append("    ").Append(Reindent(oldText)).Append('\n')
            .Append(indent).Append('}');
        var ifStatement = SyntaxFactory.ParseStatement(sb.ToString())
            .WithLeadingTrivia(hoisted is null ? statement.GetLeadingTrivia() : SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(indent)))
            .WithTrailingTrivia(statement.GetTrailingTrivia());
        if (hoisted is null)
        {
            return document.WithSyntaxRoot(root.ReplaceNode(statement, ifStatement));
        }

        var declarationStatement = SyntaxFactory.ParseStatement(hoisted)
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"));
        return document.WithSyntaxRoot(root.ReplaceNode(statement, new SyntaxNode[] { declarationStatement, ifStatement }));
    }

    /// <summary>The whitespace before the statement on its line.</summary>
    private static string Indentation(StatementSyntax statement)
    {
        var text = statement.GetLeadingTrivia().ToFullString();
        var newline = text.LastIndexOf('\n');
        return newline < 0 ? text : text.Substring(newline + 1);
    }

    /// <summary>Indents continuation lines one level deeper (the statement moves into a block).</summary>
    private static string Reindent(string text) => text.Replace("\n", "\n    ");

    private static string? Unquote(string name)
        => name.Length >= 2 && name[0] == '"' && name[name.Length - 1] == '"' && name.IndexOf('\\') < 0 && name.IndexOf('{') < 0 ? name.Substring(1, name.Length - 2) : null;
}
