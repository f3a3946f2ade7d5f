using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using DurableAgents.Generator.Journal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.JournalLock;

/// <summary>
/// DA4001–DA4005: the handlers' journal manifests (shared with the generator, <c>generator/.../Journal/</c>) against
/// the project's <c>DurableAgents.journal.lock</c> (an AdditionalFile). No lock file: only DA4004. With
/// <c>DurableAgentsJournalLock=update</c> (the build rewrites the lock) or <c>off</c>: nothing.
/// </summary>
/// <remarks>
/// Every method body that could write journal entries (a handler or a method receiving the context) is kept from its
/// operation-block action; the manifests need helpers' bodies, so they are built and compared once, at compilation end.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JournalLockAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor IncompatibleChange = DiagnosticDescriptors.AsCompilationEnd(DiagnosticDescriptors.JournalIncompatibleChange);
    private static readonly DiagnosticDescriptor ToolOrHandlerRemoved = DiagnosticDescriptors.AsCompilationEnd(DiagnosticDescriptors.JournalToolOrHandlerRemoved);
    private static readonly DiagnosticDescriptor CompatibleChange = DiagnosticDescriptors.AsCompilationEnd(DiagnosticDescriptors.JournalCompatibleChange);
    private static readonly DiagnosticDescriptor NonConstantStepName = DiagnosticDescriptors.AsCompilationEnd(DiagnosticDescriptors.JournalNonConstantStepName);
    private static readonly DiagnosticDescriptor LockMalformed = DiagnosticDescriptors.AsCompilationEnd(DiagnosticDescriptors.JournalLockMalformed);

    /// <summary>The compilation-end twins of the DA4xxx descriptors (everything is reported at compilation end).</summary>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(IncompatibleChange, ToolOrHandlerRemoved, CompatibleChange, NonConstantStepName, LockMalformed);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName(JournalNames.Namespace + "." + JournalNames.IContext) is null)
            {
                return;
            }

            var options = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions;
            if (options.TryGetValue(JournalNames.ModeProperty, out var mode)
                && (string.Equals(mode.Trim(), "update", System.StringComparison.OrdinalIgnoreCase) || string.Equals(mode.Trim(), "off", System.StringComparison.OrdinalIgnoreCase)))
            {
                return;
            }

            AdditionalText? lockFile = null;
            foreach (var file in start.Options.AdditionalFiles)
            {
                if (string.Equals(Path.GetFileName(file.Path), JournalNames.LockFileName, System.StringComparison.OrdinalIgnoreCase))
                {
                    lockFile = file;
                }
            }

            if (lockFile is null)
            {
                // The lock is opt-in: without it nothing is compared (and computed names do not matter either).
                return;
            }

            var state = new CompilationState(lockFile);
            start.RegisterSymbolAction(state.CollectType, SymbolKind.NamedType);
            start.RegisterOperationBlockAction(state.CollectBody);
            start.RegisterCompilationEndAction(state.Report);
        });
    }

    private sealed class CompilationState
    {
        private readonly AdditionalText _lockFile;
        private readonly ConcurrentDictionary<IMethodSymbol, IOperation> _bodies = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<INamedTypeSymbol, byte> _types = new(SymbolEqualityComparer.Default);

        public CompilationState(AdditionalText lockFile) => _lockFile = lockFile;

        public void CollectType(SymbolAnalysisContext context)
        {
            if (context.Symbol is INamedTypeSymbol type && Durable.ServiceName(type) is not null)
            {
                _types[type] = 0;
            }
        }

        public void CollectBody(OperationBlockAnalysisContext context)
        {
            if (context.OwningSymbol is not IMethodSymbol method || context.OperationBlocks.IsEmpty || !MayWriteJournal(method))
            {
                return;
            }

            IOperation? body = null;
            foreach (var block in context.OperationBlocks)
            {
                if (block.Kind is OperationKind.MethodBody or OperationKind.Block or OperationKind.ConstructorBody)
                {
                    body = block;
                    break;
                }
            }

            _bodies[method.OriginalDefinition] = body ?? context.OperationBlocks[0];
        }

        private static bool MayWriteJournal(IMethodSymbol method)
        {
            if (Durable.HandlerName(method) is not null)
            {
                return true;
            }

            if (!method.IsStatic && method.ContainingType is { } type && StepWalker.IsContextType(type))
            {
                return true;
            }

            foreach (var p in method.Parameters)
            {
                if (StepWalker.IsContextType(p.Type))
                {
                    return true;
                }
            }

            return false;
        }

        public void Report(CompilationAnalysisContext context)
        {
            var compilation = context.Compilation;
            var types = new List<INamedTypeSymbol>(_types.Keys);
            types.Sort(static (a, b) => string.CompareOrdinal(a.ToDisplayString(), b.ToDisplayString()));
            var manifests = new List<HandlerManifest>();
            foreach (var type in types)
            {
                manifests.AddRange(ManifestBuilder.ForClass(type, compilation, Body, context.CancellationToken));
            }

            if (_lockFile.GetText(context.CancellationToken) is not { } text)
            {
                return;
            }

            var reported = new HashSet<Location>();
            foreach (var m in manifests)
            {
                foreach (var node in m.NonConstantNames)
                {
                    var location = node.GetLocation();
                    if (reported.Add(location))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(NonConstantStepName, location, node.ToString(), RecordedName(m, node) ?? "*"));
                    }
                }
            }

            var parsed = LockFile.Parse(text.ToString());
            if (parsed.Error is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(LockMalformed, LineLocation(text, parsed.ErrorLine),
                    (parsed.ErrorLine + 1).ToString(CultureInfo.InvariantCulture), parsed.Error));
                return;
            }

            foreach (var finding in JournalComparer.Compare(manifests.ToImmutableArray(), parsed.Handlers))
            {
                context.ReportDiagnostic(Create(finding, text));
            }
        }

        private IOperation? Body(IMethodSymbol method) => _bodies.TryGetValue(method.OriginalDefinition, out var body) ? body : null;

        private Diagnostic Create(JournalFinding finding, Microsoft.CodeAnalysis.Text.SourceText text)
        {
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(JournalProperties.Reason, finding.Reason)
                .Add(JournalProperties.Locked, finding.Locked)
                .Add(JournalProperties.Current, finding.Current)
                .Add(JournalProperties.Handler, finding.Handler);
            var location = finding.Node is { } node ? CodeLocation(node) : LineLocation(text, finding.LockLine);
            switch (finding.Kind)
            {
                case FindingKind.IncompatibleStep:
                    return Diagnostic.Create(IncompatibleChange, location, properties,
                        finding.Handler, finding.Step.ToString(CultureInfo.InvariantCulture), finding.Locked, finding.Current ?? "nothing", finding.Reason);
                case FindingKind.IncompatibleTool:
                    return Diagnostic.Create(ToolOrHandlerRemoved, location, properties,
                        finding.Handler, finding.Reason, finding.Locked, finding.Current ?? "nothing");
                case FindingKind.HandlerRemoved:
                    return Diagnostic.Create(ToolOrHandlerRemoved, LineLocation(text, finding.LockLine), properties,
                        finding.Handler, "no longer exists", finding.Locked, "nothing");
                default:
                    return Diagnostic.Create(CompatibleChange, location, properties,
                        finding.Handler, finding.Reason, finding.Current ?? finding.Locked);
            }
        }

        private static string? RecordedName(HandlerManifest manifest, SyntaxNode node)
        {
            // The recorded pattern is the quoted name of the line produced by the invocation around this argument.
            foreach (var line in manifest.Lines)
            {
                if (!line.IsStructure && line.Node is { } producer && producer.Span.Contains(node.Span))
                {
                    var name = EntryText.Name(line.Text);
                    return name.Length >= 2 && name[0] == '"' ? name.Substring(1, name.Length - 2) : name;
                }
            }

            return null;
        }

        private static Location CodeLocation(SyntaxNode node)
        {
            switch (node)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax method:
                    return method.Identifier.GetLocation();
                case Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax type:
                    return type.Identifier.GetLocation();
                default:
                    return node.GetLocation();
            }
        }

        private Location LineLocation(Microsoft.CodeAnalysis.Text.SourceText text, int line)
        {
            if (line < 0)
            {
                return Location.None;
            }

            var index = System.Math.Min(line, text.Lines.Count - 1);
            var span = text.Lines[index].Span;
            return Location.Create(_lockFile.Path, span, text.Lines.GetLinePositionSpan(span));
        }
    }
}
