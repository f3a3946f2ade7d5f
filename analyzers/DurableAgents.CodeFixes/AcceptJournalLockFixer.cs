using System.Collections.Immutable;
using System.Composition;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using DurableAgents.Analyzers;
using DurableAgents.Generator.Journal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.CodeFixes;

/// <summary>
/// DA4001, DA4002, DA4003: rewrite <c>DurableAgents.journal.lock</c> from the current code (the whole file, formatted
/// by the same shared code the update build uses). One fix accepts every change of the project, so there is no Fix All.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AcceptJournalLockFixer)), Shared]
public sealed class AcceptJournalLockFixer : CodeFixProvider
{
    public const string Title = "Accept into DurableAgents.journal.lock";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        RuleIds.JournalIncompatibleChange,
        RuleIds.JournalToolOrHandlerRemoved,
        RuleIds.JournalCompatibleChange);

    public override FixAllProvider? GetFixAllProvider() => null;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var project = context.Document.Project;
        TextDocument? lockDocument = null;
        foreach (var additional in project.AdditionalDocuments)
        {
            if (string.Equals(Path.GetFileName(additional.FilePath ?? additional.Name), JournalNames.LockFileName, System.StringComparison.OrdinalIgnoreCase))
            {
                lockDocument = additional;
            }
        }

        if (lockDocument is null)
        {
            return Task.CompletedTask;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => AcceptAsync(project, lockDocument.Id, ct), equivalenceKey: nameof(AcceptJournalLockFixer)),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Solution> AcceptAsync(Project project, DocumentId lockDocument, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return project.Solution;
        }

        var text = LockFile.Format(ManifestBuilder.ForCompilation(compilation, cancellationToken));
        var old = project.GetAdditionalDocument(lockDocument) is { } document ? await document.GetTextAsync(cancellationToken).ConfigureAwait(false) : null;
        // Keep the file's encoding (a lock written by the build is UTF-8 without a byte order mark).
        return project.Solution.WithAdditionalDocumentText(lockDocument, SourceText.From(text, old?.Encoding, old?.ChecksumAlgorithm ?? SourceHashAlgorithm.Sha1));
    }
}
