using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using DurableAgents.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Determinism;

/// <summary>
/// DA2001–DA2012, DA2014 and DA2015: non-deterministic code that runs durably, i.e. in a handler of a durable class or in anything it
/// calls in this compilation (transitively), outside step delegates (<c>[RunsInDurableStep]</c>) and <c>[DurableTool]</c> bodies.
/// </summary>
/// <remarks>
/// Every method body is walked once (an operation-block action) into call-graph nodes. Violations in a handler body
/// and in its local functions are reported right away (so they show live in the IDE). Violations in helpers need the
/// whole graph (who calls the helper, and does anyone call it outside a step?), so they are reported from the
/// compilation-end action, once per location, with the shortest call chain from the first handler (in source order)
/// that reaches them. So are delegates handed to methods of this compilation (they are steps if that method is a step
/// wrapper, <see cref="StepWrappers"/>, which is known only once every body has been walked), the bodies a virtual or
/// interface call may run (<see cref="Implementations"/>, recorded from each source type), and deferred violations
/// (<see cref="DeferredViolation"/>), wherever they are: a read of a static readonly member whose initializer is
/// non-deterministic or of a static collection that some code changes, hash-ordered iteration that calls a helper
/// issuing durable operations.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableArray<DiagnosticDescriptor> LiveDescriptors = ImmutableArray.Create(
        DiagnosticDescriptors.NonDeterministicClock,
        DiagnosticDescriptors.NonDeterministicGuid,
        DiagnosticDescriptors.NonDeterministicRandom,
        DiagnosticDescriptors.NonDurableDelay,
        DiagnosticDescriptors.UnjournaledConcurrency,
        DiagnosticDescriptors.ConfigureAwaitFalse,
        DiagnosticDescriptors.TaskCombinatorOverDurableFutures,
        DiagnosticDescriptors.IoOutsideStep,
        DiagnosticDescriptors.LlmCallOutsideStep,
        DiagnosticDescriptors.EnvironmentRead,
        DiagnosticDescriptors.MutableStaticRead,
        DiagnosticDescriptors.UnorderedIterationDrivesDurableCalls,
        DiagnosticDescriptors.AgentRunOutsideStep,
        DiagnosticDescriptors.StaticStateWrite);

    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> EndDescriptors =
        LiveDescriptors.ToImmutableDictionary(d => d.Id, DiagnosticDescriptors.AsCompilationEnd);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        LiveDescriptors.AddRange(EndDescriptors.Values.OrderBy(d => d.Id, System.StringComparer.Ordinal));

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (known is null)
            {
                return;
            }

            var state = new CompilationState(known, new ApiCatalogue(start.Compilation, known));
            start.RegisterOperationBlockAction(state.AnalyzeBlock);
            start.RegisterOperationAction(state.RecordStaticCollectionChange, OperationKind.FieldReference, OperationKind.PropertyReference);
            start.RegisterSymbolAction(state.AnalyzeType, SymbolKind.NamedType);
            start.RegisterCompilationEndAction(state.ReportReachableHelpers);
        });
    }

    private sealed class CompilationState
    {
        private readonly KnownSymbols _known;
        private readonly ApiCatalogue _catalogue;
        private readonly StaticInitializers _initializers;
        private readonly ConcurrentDictionary<ISymbol, Node> _nodes = new(SymbolEqualityComparer.Default);
        private readonly StepWrappers _wrappers = new();
        private readonly Implementations _implementations = new();
        private readonly ConcurrentDictionary<IMethodSymbol, Location> _entries = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, byte> _reportedLive = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, byte> _changedStaticCollections = new(SymbolEqualityComparer.Default);

        public CompilationState(KnownSymbols known, ApiCatalogue catalogue)
        {
            _known = known;
            _catalogue = catalogue;
            _initializers = new StaticInitializers(catalogue);
        }

        public void AnalyzeType(SymbolAnalysisContext context) => _implementations.Add((INamedTypeSymbol)context.Symbol);

        public void AnalyzeBlock(OperationBlockAnalysisContext context)
        {
            if (context.OwningSymbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } or IMethodSymbol { MethodKind: MethodKind.StaticConstructor })
            {
                _initializers.Record(context.OwningSymbol, context.OperationBlocks);
                return;
            }

            if (context.OwningSymbol is not IMethodSymbol method
                || method.MethodKind is MethodKind.StaticConstructor or MethodKind.Destructor
                || _known.IsMarkedDeterministic(method)
                || _known.IsTool(method))
            {
                // [Deterministic] members are trusted and tool bodies are steps: no node, so the graph stops here.
                return;
            }

            var walker = new BodyWalker(_known, _catalogue, _wrappers, method, context.CancellationToken);
            foreach (var block in context.OperationBlocks)
            {
                walker.Walk(block);
            }

            foreach (var pair in walker.Nodes)
            {
                _nodes[pair.Key] = pair.Value;
            }

            if (!_known.IsEntryPoint(method))
            {
                return;
            }

            _entries[method] = method.Locations.FirstOrDefault() ?? Location.None;

            // Report the handler's own body and its local functions/lambdas now: that needs only this block. What is
            // conditional on a step wrapper (a method group handed to a helper) waits for the compilation end.
            foreach (var (node, chain) in Reachable(walker.Root, walker.Nodes, within: true))
            {
                _reportedLive[node.Symbol] = 0;
                foreach (var violation in node.Violations)
                {
                    if (violation.UnlessStepParameterOf is null)
                    {
                        context.ReportDiagnostic(Create(violation, violation.Descriptor, chain));
                    }
                }
            }
        }

        public void ReportReachableHelpers(CompilationAnalysisContext context)
        {
            _wrappers.Resolve(_implementations);
            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var entries = _entries
                .OrderBy(e => e.Value.SourceTree?.FilePath, System.StringComparer.Ordinal)
                .ThenBy(e => e.Value.SourceSpan.Start)
                .Select(e => e.Key)
                .ToList();
            var entrySet = new HashSet<ISymbol>(entries, SymbolEqualityComparer.Default);
            var reachesDurable = new Dictionary<ISymbol, bool>(SymbolEqualityComparer.Default);

            foreach (var entry in entries)
            {
                if (!_nodes.TryGetValue(entry, out var root))
                {
                    continue;
                }

                foreach (var (node, chain) in Reachable(root, _nodes, within: false, visited, entrySet))
                {
                    foreach (var deferred in node.Deferred)
                    {
                        if (Decide(deferred, reachesDurable) is { } violation)
                        {
                            context.ReportDiagnostic(Create(violation, EndDescriptors[violation.Descriptor.Id], chain));
                        }
                    }

                    var reportedLive = _reportedLive.ContainsKey(node.Symbol);
                    foreach (var violation in node.Violations)
                    {
                        var report = violation.UnlessStepParameterOf is { } wrapper
                            ? !_wrappers.IsStepParameter(new DelegateParameter(wrapper, violation.Ordinal))
                            : !reportedLive;
                        if (report)
                        {
                            context.ReportDiagnostic(Create(violation, EndDescriptors[violation.Descriptor.Id], chain));
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Records a static collection (or array) of this compilation that some code, durable or not, changes or
        /// reassigns outside its own type's static initialization (field initializers and the static constructor).
        /// </summary>
        public void RecordStaticCollectionChange(OperationAnalysisContext context)
        {
            if (StaticState.ChangedCollection(context.Operation, orReassigns: true) is not { } member)
            {
                return;
            }

            var inInitialization = context.ContainingSymbol switch
            {
                IMethodSymbol { MethodKind: MethodKind.StaticConstructor } constructor => KnownSymbols.Is(constructor.ContainingType, member.ContainingType),
                IFieldSymbol or IPropertySymbol => KnownSymbols.Is(context.ContainingSymbol.ContainingType, member.ContainingType) && context.ContainingSymbol.IsStatic,
                _ => false,
            };
            if (!inInitialization)
            {
                _changedStaticCollections[member] = 0;
            }
        }

        /// <summary>The violation to report for <paramref name="deferred"/> now that every body is analyzed, or null.</summary>
        private Violation? Decide(DeferredViolation deferred, Dictionary<ISymbol, bool> reachesDurable)
        {
            switch (deferred.Condition)
            {
                case DeferredCondition.NonDeterministicInitializer:
                    return _initializers.TryGetSource(deferred.Dependencies[0], out var api)
                        ? deferred.Violation with { Extra = "a static whose value comes from " + api + " (each process has its own)" }
                        : null;
                case DeferredCondition.StaticCollectionChanged:
                    return _changedStaticCollections.ContainsKey(deferred.Dependencies[0]) ? deferred.Violation : null;
                case DeferredCondition.CalleeIssuesDurableOperations:
                    foreach (var callee in deferred.Dependencies)
                    {
                        if (ReachesDurableOperation(callee, reachesDurable))
                        {
                            return deferred.Violation;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>True if the method, or anything it runs (every edge of the graph), issues a durable operation.</summary>
        private bool ReachesDurableOperation(ISymbol start, Dictionary<ISymbol, bool> memo)
        {
            if (memo.TryGetValue(start, out var known))
            {
                return known;
            }

            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { start };
            var queue = new Queue<ISymbol>();
            queue.Enqueue(start);
            var found = false;
            while (queue.Count > 0 && !found)
            {
                if (!_nodes.TryGetValue(queue.Dequeue(), out var node))
                {
                    continue;
                }

                found = node.IssuesDurableOperations;
                foreach (var edge in node.Edges)
                {
                    if (seen.Add(edge.Target))
                    {
                        queue.Enqueue(edge.Target);
                    }
                }
            }

            memo[start] = found;
            return found;
        }

        /// <summary>
        /// Breadth-first walk of the nodes <paramref name="root"/> runs durably, with the call chain to each.
        /// With <paramref name="within"/> only the nodes of the root's own block are followed, and conditional
        /// edges (delegates handed to other methods) are left to the compilation-end pass. A virtual or interface call
        /// also leads to each override and implementation, shown in the chain after the member called
        /// (<c>Handler → IStore.Load → FileStore.Load</c>).
        /// </summary>
        private IEnumerable<(Node Node, string Chain)> Reachable(
            Node root,
            IReadOnlyDictionary<ISymbol, Node> nodes,
            bool within,
            HashSet<ISymbol>? visited = null,
            HashSet<ISymbol>? otherEntries = null)
        {
            visited ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (!visited.Add(root.Symbol))
            {
                yield break;
            }

            var queue = new Queue<(Node, string)>();
            queue.Enqueue((root, root.Display));
            while (queue.Count > 0)
            {
                var (node, chain) = queue.Dequeue();
                yield return (node, chain);
                foreach (var edge in node.Edges)
                {
                    if (edge.UnlessStepParameterOf is { } wrapper)
                    {
                        if (within)
                        {
                            continue;
                        }

                        if (_wrappers.IsStepParameter(new DelegateParameter(wrapper, edge.Ordinal)))
                        {
                            continue; // the callee runs this delegate as a step
                        }
                    }

                    if (!within && edge.Virtual && edge.Target is IMethodSymbol member)
                    {
                        var via = chain + " → " + BodyWalker.DisplayOf(member);
                        foreach (var implementation in _implementations.Of(member))
                        {
                            if ((otherEntries is null || !otherEntries.Contains(implementation))
                                && nodes.TryGetValue(implementation, out var body)
                                && visited.Add(implementation))
                            {
                                queue.Enqueue((body, via + " → " + body.Display));
                            }
                        }
                    }

                    if (otherEntries is not null && otherEntries.Contains(edge.Target))
                    {
                        continue; // another handler: checked from its own root
                    }

                    if (!nodes.TryGetValue(edge.Target, out var next) || !visited.Add(edge.Target))
                    {
                        continue;
                    }

                    queue.Enqueue((next, chain + " → " + next.Display));
                }
            }
        }

        private static Diagnostic Create(Violation violation, DiagnosticDescriptor descriptor, string chain)
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add("Api", violation.Api);
            return violation.Extra is null
                ? Diagnostic.Create(descriptor, violation.Location, properties, violation.Api, chain)
                : Diagnostic.Create(descriptor, violation.Location, properties, violation.Api, chain, violation.Extra);
        }
    }
}
