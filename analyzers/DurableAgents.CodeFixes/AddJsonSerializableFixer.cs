using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DurableAgents.Analyzers;
using DurableAgents.Analyzers.Declaration;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.CodeFixes;

/// <summary>
/// DA1009: adds <c>[JsonSerializable(typeof(T))]</c> to the assembly's JsonSerializerContext (the first by
/// fully-qualified name, after its last <c>[JsonSerializable]</c>), or creates <c>{Assembly}Json.cs</c> with a new
/// context in the durable class's namespace when the assembly has none. Fix All adds every missing type once, in the
/// order the diagnostics appear.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableFixer)), Shared]
public sealed class AddJsonSerializableFixer : CodeFixProvider
{
    public const string Title = "Add [JsonSerializable(typeof({0}))] to {1}";
    public const string FixAllTitle = "Add [JsonSerializable] for every handler and tool type without JSON metadata";

    private const string AttributeName = "global::System.Text.Json.Serialization.JsonSerializable";
    private const string ContextBaseName = "global::System.Text.Json.Serialization.JsonSerializerContext";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.MissingJsonMetadata);

    public override FixAllProvider GetFixAllProvider() => AllTypesFixer.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(JsonMetadataAnalyzer.TypeProperty, out var type) || type is null)
            {
                continue;
            }

            var project = context.Document.Project;
            var target = await DescribeTargetAsync(project, diagnostic, context.CancellationToken).ConfigureAwait(false);
            context.RegisterCodeFix(
                CodeAction.Create(
                    string.Format(CultureInfo.InvariantCulture, Title, Shorten(type), target),
                    ct => AddAsync(project.Solution, project.Id, [diagnostic], ct),
                    equivalenceKey: nameof(AddJsonSerializableFixer)),
                diagnostic);
        }
    }

    private static string Shorten(string type) => type.Replace("global::", "");

    private static async Task<string> DescribeTargetAsync(Project project, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (await FindContextAsync(project, [diagnostic], cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return "'" + existing.Symbol.Name + "'";
        }

        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        var ns = diagnostic.Properties.TryGetValue(JsonMetadataAnalyzer.NamespaceProperty, out var n) ? n ?? "" : "";
        return "a new context '" + NewContextName(project, compilation, ns) + "'";
    }

    /// <summary>Adds every type of <paramref name="diagnostics"/> (one project's) once, in diagnostic order.</summary>
    internal static async Task<Solution> AddAsync(Solution solution, ProjectId projectId, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var project = solution.GetProject(projectId);
        if (project is null)
        {
            return solution;
        }

        var ordered = diagnostics
            .Where(d => d.Properties.ContainsKey(JsonMetadataAnalyzer.TypeProperty))
            .OrderBy(d => d.Location.SourceTree?.FilePath ?? "", System.StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();
        var types = new List<string>();
        foreach (var d in ordered)
        {
            var type = d.Properties[JsonMetadataAnalyzer.TypeProperty]!;
            if (!types.Contains(type, System.StringComparer.Ordinal))
            {
                types.Add(type);
            }
        }

        if (types.Count == 0)
        {
            return solution;
        }

        var existing = await FindContextAsync(project, ordered, cancellationToken).ConfigureAwait(false);
        return existing is not null
            ? await AddToContextAsync(solution, existing, types, cancellationToken).ConfigureAwait(false)
            : await CreateContextAsync(solution, project, ordered[0], types, cancellationToken).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ an existing context

    private sealed record ContextTarget(INamedTypeSymbol Symbol, Document Document, ClassDeclarationSyntax Declaration, int LastSerializableIndex);

    /// <summary>The context the analyzer named, and the declaration of it that carries its [JsonSerializable] attributes.</summary>
    private static async Task<ContextTarget?> FindContextAsync(Project project, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var id = diagnostics
            .Select(d => d.Properties.TryGetValue(JsonMetadataAnalyzer.ContextProperty, out var c) ? c : null)
            .FirstOrDefault(c => c is not null);
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (id is null || compilation is null
            || DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation) is not INamedTypeSymbol symbol
            || compilation.GetTypeByMetadataName(KnownTypeNames.JsonSerializableAttribute) is not { } attributeType)
        {
            return null;
        }

        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is not ClassDeclarationSyntax declaration
                || project.Solution.GetDocument(declaration.SyntaxTree) is not { } document)
            {
                continue;
            }

            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            var last = -1;
            for (var i = 0; i < declaration.AttributeLists.Count; i++)
            {
                foreach (var attribute in declaration.AttributeLists[i].Attributes)
                {
                    if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType, attributeType))
                    {
                        last = i;
                    }
                }
            }

            if (last >= 0)
            {
                return new ContextTarget(symbol, document, declaration, last);
            }
        }

        return null;
    }

    private static async Task<Solution> AddToContextAsync(Solution solution, ContextTarget target, List<string> types, CancellationToken cancellationToken)
    {
        var declaration = target.Declaration;
        var lastList = declaration.AttributeLists[target.LastSerializableIndex];

        // The same spelling as the attributes already there (JsonSerializable, or a qualified name).
        var name = lastList.Attributes
            .Select(a => a.Name.WithoutTrivia().ToString())
            .LastOrDefault(n => n.EndsWith("JsonSerializable", System.StringComparison.Ordinal) || n.EndsWith("JsonSerializableAttribute", System.StringComparison.Ordinal))
            ?? AttributeName;

        var indentation = Indentation(lastList.GetLeadingTrivia());
        var newLine = lastList.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var lists = new List<AttributeListSyntax>();
        foreach (var type in types)
        {
            if (AlreadyListed(target.Symbol, type))
            {
                continue;
            }

            var list = AttributeList(name, type).WithLeadingTrivia(indentation);
            lists.Add(newLine == default ? list.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed) : list.WithTrailingTrivia(newLine));
        }

        if (lists.Count == 0)
        {
            return solution;
        }

        var updated = declaration.WithAttributeLists(declaration.AttributeLists.InsertRange(target.LastSerializableIndex + 1, lists));
        var root = await target.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return solution;
        }

        var document = target.Document.WithSyntaxRoot(root.ReplaceNode(declaration, updated));
        document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.Project.Solution;
    }

    private static bool AlreadyListed(INamedTypeSymbol context, string type)
    {
        foreach (var attribute in context.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == "JsonSerializableAttribute"
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is ITypeSymbol listed
                && listed.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == type)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The whitespace that indents the line a node starts on (everything after the last line break of its leading trivia).</summary>
    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        var result = new List<SyntaxTrivia>();
        foreach (var trivia in leading)
        {
            if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
            {
                result.Add(trivia);
            }
            else
            {
                result.Clear();
            }
        }

        return SyntaxFactory.TriviaList(result);
    }

    /// <summary><c>[Name(typeof(T))]</c> with T marked for simplification (<c>global::Shop.Order</c> becomes <c>Order</c> where that binds).</summary>
    private static AttributeListSyntax AttributeList(string name, string type)
    {
        var parsed = (ClassDeclarationSyntax)SyntaxFactory.ParseCompilationUnit("[" + name + "(typeof(" + type + "))] class C { }").Members[0];
        var list = parsed.AttributeLists[0];
        var typeOf = list.DescendantNodes().OfType<TypeOfExpressionSyntax>().First();
        return list.ReplaceNode(typeOf.Type, typeOf.Type.WithAdditionalAnnotations(Simplifier.Annotation));
    }

    // ------------------------------------------------------------------ a new context

    private static async Task<Solution> CreateContextAsync(Solution solution, Project project, Diagnostic first, List<string> types, CancellationToken cancellationToken)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        var ns = first.Properties.TryGetValue(JsonMetadataAnalyzer.NamespaceProperty, out var n) ? n ?? "" : "";
        var className = NewContextName(project, compilation, ns);
        var fileScoped = project.ParseOptions is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp10 };

        var text = new StringBuilder();
        var indent = "";
        if (ns.Length > 0)
        {
            if (fileScoped)
            {
                text.Append("namespace ").Append(ns).Append(";\n\n");
            }
            else
            {
                text.Append("namespace ").Append(ns).Append("\n{\n");
                indent = "    ";
            }
        }

        text.Append(indent).Append("/// <summary>System.Text.Json metadata for the handler and tool types of this assembly (wired in by the DurableAgents generator).</summary>\n");
        foreach (var type in types)
        {
            text.Append(indent).Append('[').Append(AttributeName).Append("(typeof(").Append(type).Append("))]\n");
        }

        text.Append(indent).Append("internal partial class ").Append(className).Append(" : ").Append(ContextBaseName).Append('\n');
        text.Append(indent).Append("{\n").Append(indent).Append("}\n");
        if (ns.Length > 0 && !fileScoped)
        {
            text.Append("}\n");
        }

        var anchor = first.Location.SourceTree is { } tree ? solution.GetDocument(tree) : null;
        var folders = anchor?.Folders ?? (IReadOnlyList<string>)[];
        var fileName = UniqueFileName(project, className + ".cs");
        var directory = anchor?.FilePath is { } anchorPath ? System.IO.Path.GetDirectoryName(anchorPath) : null;
        var filePath = directory is null ? null : System.IO.Path.Combine(directory, fileName);

        var document = project.AddDocument(fileName, SourceText.From(text.ToString(), Encoding.UTF8), folders, filePath);
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return solution;
        }

        var annotated = root.ReplaceNodes(
            root.DescendantNodes().OfType<TypeOfExpressionSyntax>().Select(t => t.Type),
            (_, rewritten) => rewritten.WithAdditionalAnnotations(Simplifier.Annotation));
        document = await Simplifier.ReduceAsync(document.WithSyntaxRoot(annotated), Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.Project.Solution;
    }

    /// <summary><c>{AssemblyName in PascalCase}Json</c>, with a number appended when the namespace already has that type.</summary>
    private static string NewContextName(Project project, Compilation? compilation, string ns)
    {
        var name = new StringBuilder();
        var upper = true;
        foreach (var c in project.AssemblyName ?? "")
        {
            if (!char.IsLetterOrDigit(c))
            {
                upper = true;
                continue;
            }

            name.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            name.Insert(0, "App");
        }

        var baseName = name.Append("Json").ToString();
        var candidate = baseName;
        for (var i = 2; compilation?.GetTypeByMetadataName(ns.Length == 0 ? candidate : ns + "." + candidate) is not null; i++)
        {
            candidate = baseName + i.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static string UniqueFileName(Project project, string fileName)
    {
        var names = new HashSet<string>(project.Documents.Select(d => d.Name), System.StringComparer.OrdinalIgnoreCase);
        var candidate = fileName;
        for (var i = 2; names.Contains(candidate); i++)
        {
            candidate = System.IO.Path.GetFileNameWithoutExtension(fileName) + i.ToString(CultureInfo.InvariantCulture) + ".cs";
        }

        return candidate;
    }

    // ------------------------------------------------------------------ Fix All

    /// <summary>One change per project: every missing type once, to the same context (the batch fixer would race on the one declaration).</summary>
    private sealed class AllTypesFixer : FixAllProvider
    {
        public static readonly AllTypesFixer Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var byProject = new List<(ProjectId Project, ImmutableArray<Diagnostic> Diagnostics)>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is { } document:
                    byProject.Add((document.Project.Id, await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)));
                    break;
                case FixAllScope.Project:
                    byProject.Add((fixAllContext.Project.Id, await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false)));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                    {
                        byProject.Add((project.Id, await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false)));
                    }

                    break;
                default:
                    return null;
            }

            byProject.RemoveAll(p => p.Diagnostics.IsEmpty);
            if (byProject.Count == 0)
            {
                return null;
            }

            return CodeAction.Create(
                FixAllTitle,
                async ct =>
                {
                    var solution = fixAllContext.Solution;
                    foreach (var (project, diagnostics) in byProject)
                    {
                        solution = await AddAsync(solution, project, diagnostics, ct).ConfigureAwait(false);
                    }

                    return solution;
                },
                equivalenceKey: nameof(AddJsonSerializableFixer));
        }
    }
}
