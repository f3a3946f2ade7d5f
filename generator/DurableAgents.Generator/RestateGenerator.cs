using System.Collections.Immutable;
using System.Linq;
using System.Text;
using DurableAgents.Generator.Emit;
using DurableAgents.Generator.Model;
using DurableAgents.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace DurableAgents.Generator;

/// <summary>
/// Turns <c>[Service]</c>, <c>[VirtualObject]</c>, <c>[Workflow]</c> and <c>[DurableAgent]</c> classes into Restate
/// definitions, invokers, typed clients, tool wrappers and one registration entry point. The pipeline only wires steps;
/// parsing is in <c>Parsing/</c>, emission in <c>Emit/</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RestateGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Compilation facts, reduced to an equatable record.
        var rootNamespace = context.AnalyzerConfigOptionsProvider.Select(static (o, _) =>
            o.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) ? ns : null);
        var compilationFacts = context.CompilationProvider.Select(static (c, _) =>
            (c.AssemblyName, HasIngressClient: c.GetTypeByMetadataName(KnownTypeNames.IngressClient) is not null
                && c.GetTypeByMetadataName(KnownTypeNames.IngressCallOptions) is not null
                && c.GetTypeByMetadataName(KnownTypeNames.IngressSendOptions) is not null
                && c.GetTypeByMetadataName(KnownTypeNames.SendResponse) is not null,
            HasAgentProxy: c.GetTypeByMetadataName(KnownTypeNames.DurableAgentProxy) is not null && c.GetTypeByMetadataName(KnownTypeNames.AIAgent) is not null));
        var settings = rootNamespace.Combine(compilationFacts)
            .Select(static (x, _) => new SettingsModel(RegistrationNamespace(x.Left, x.Right.AssemblyName), x.Right.HasIngressClient, ExtensionsClassName(x.Right.AssemblyName), x.Right.HasAgentProxy))
            .WithTrackingName(TrackingNames.Settings);

        var services = Models(context, KnownTypeNames.ServiceAttribute, ServiceKind.Service, TrackingNames.Services);
        var objects = Models(context, KnownTypeNames.VirtualObjectAttribute, ServiceKind.VirtualObject, TrackingNames.VirtualObjects);
        var workflows = Models(context, KnownTypeNames.WorkflowAttribute, ServiceKind.Workflow, TrackingNames.Workflows);

        foreach (var models in new[] { services, objects, workflows })
        {
            context.RegisterSourceOutput(
                models.Combine(settings).WithTrackingName(TrackingNames.ServiceOutputs),
                static (spc, x) => spc.AddSource(x.Left.HintName, SourceText.From(ServiceEmitter.Emit(x.Left, x.Right), Encoding.UTF8)));
        }

        // The assembly's JsonSerializerContexts (user-declared; see docs/generator.md for why).
        var jsonContexts = context.SyntaxProvider.ForAttributeWithMetadataName(
                KnownTypeNames.JsonSerializableAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, _) => JsonContextName(ctx.TargetSymbol))
            .Where(static n => n is not null)
            .Collect()
            .Select(static (names, _) => names.Distinct().OrderBy(n => n, System.StringComparer.Ordinal).Select(n => n!).ToEquatableArray())
            .WithTrackingName(TrackingNames.JsonContexts);

        var agents = context.SyntaxProvider.ForAttributeWithMetadataName(
                KnownTypeNames.DurableAgentAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => AgentParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Agents)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.AgentModels);
        context.RegisterSourceOutput(agents.Combine(settings), static (spc, x) =>
        {
            spc.AddSource(x.Left.HintName, SourceText.From(AgentEmitter.Emit(x.Left, x.Right), Encoding.UTF8));
            spc.AddSource(x.Left.Service.HintName, SourceText.From(ServiceEmitter.Emit(x.Left.Service, x.Right), Encoding.UTF8));
        });

        var agentServices = agents.Select(static (a, _) => a.Service);
        var entries = services.Collect().Combine(objects.Collect()).Combine(workflows.Collect()).Combine(agentServices.Collect())
            .Select(static (x, _) => x.Left.Left.Left.Concat(x.Left.Left.Right).Concat(x.Left.Right).Concat(x.Right)
                .Where(m => m.IsRegistrable)
                .Select(m => new RegistrationEntry(m.FullyQualifiedName, m.NeedsInstance))
                .OrderBy(e => e.FullyQualifiedName, System.StringComparer.Ordinal)
                .ToEquatableArray());
        var hasAgents = agents.Collect().Select(static (a, _) => (Any: a.Length > 0, AnyService: a.Any(static m => !m.Session)));
        var registration = entries.Combine(jsonContexts).Combine(settings).Combine(hasAgents)
            .Select(static (x, _) => new RegistrationModel(x.Left.Right.RegistrationNamespace, x.Left.Right.ExtensionsClass, x.Left.Left.Left, x.Left.Left.Right, x.Right.Any, x.Right.AnyService))
            .WithTrackingName(TrackingNames.Registration);
        context.RegisterSourceOutput(registration, static (spc, model) =>
        {
            if (model.Services.Count > 0)
            {
                spc.AddSource(RegistrationEmitter.HintName, SourceText.From(RegistrationEmitter.Emit(model), Encoding.UTF8));
            }
        });

        // Journal manifests (docs/journal-lock.md): emitted only when the build rewrites the lock.
        var update = context.AnalyzerConfigOptionsProvider.Select(static (o, _) =>
                o.GlobalOptions.TryGetValue("build_property.DurableAgentsJournalLock", out var mode) && string.Equals(mode?.Trim(), "update", System.StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(TrackingNames.JournalLockMode);
        var manifests = Manifests(context, KnownTypeNames.ServiceAttribute).Collect()
            .Combine(Manifests(context, KnownTypeNames.VirtualObjectAttribute).Collect())
            .Combine(Manifests(context, KnownTypeNames.WorkflowAttribute).Collect())
            .Combine(Manifests(context, KnownTypeNames.DurableAgentAttribute).Collect())
            .Select(static (x, _) => x.Left.Left.Left.Concat(x.Left.Left.Right).Concat(x.Left.Right).Concat(x.Right).ToEquatableArray());
        var lockText = manifests.Combine(update)
            .Select(static (x, _) => x.Right ? (Text: JournalLockEmitter.LockText(x.Left), Handlers: x.Left.Sum(static m => m.Handlers.Count)) : (Text: (string?)null, Handlers: 0))
            .WithTrackingName(TrackingNames.JournalLock);
        context.RegisterSourceOutput(lockText, static (spc, x) =>
        {
            if (x.Text is not null)
            {
                spc.AddSource(JournalLockEmitter.HintName, SourceText.From(JournalLockEmitter.Emit(x.Text, x.Handlers), Encoding.UTF8));
            }
        });
    }

    private static IncrementalValuesProvider<JournalManifestModel> Manifests(IncrementalGeneratorInitializationContext context, string attribute)
        => context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => JournalParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.JournalManifests)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!);

    private static IncrementalValuesProvider<ServiceModel> Models(IncrementalGeneratorInitializationContext context, string attribute, ServiceKind kind, string trackingName)
        => context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is ClassDeclarationSyntax,
                (ctx, ct) => ServiceParser.Parse(ctx, kind, ct))
            .WithTrackingName(trackingName)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.ServiceModels);

    private static string? JsonContextName(ISymbol symbol)
    {
        if (symbol is not INamedTypeSymbol type || type.IsGenericType || type.IsAbstract
            || !SymbolHelpers.IsAssemblyVisible(SymbolHelpers.EffectiveAccessibility(type)))
        {
            return null;
        }

        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolHelpers.IsNamed(t, KnownTypeNames.JsonSerializerContext))
            {
                return type.ToFullyQualified();
            }
        }

        return null;
    }

    /// <summary>
    /// The class of <c>AddRestateServices</c>: <c>RestateServiceCollectionExtensions_{assembly}</c> with every character
    /// that is not an identifier part replaced by <c>_</c>. It lives in <c>Microsoft.Extensions.DependencyInjection</c>
    /// (found without a <c>using</c>), so the assembly name keeps it distinct from another generated assembly's class
    /// (no CS0436 when internals are visible across them).
    /// </summary>
    internal static string ExtensionsClassName(string? assemblyName)
    {
        var sb = new StringBuilder("RestateServiceCollectionExtensions_");
        foreach (var c in assemblyName ?? "")
        {
            sb.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        }

        return sb.ToString();
    }

    /// <summary>The namespace of the registration file: the project's root namespace, else the assembly name, made a valid C# name.</summary>
    internal static string RegistrationNamespace(string? rootNamespace, string? assemblyName)
    {
        var source = !string.IsNullOrWhiteSpace(rootNamespace) ? rootNamespace! : assemblyName ?? "";
        var parts = source.Split('.')
            .Select(static p =>
            {
                var sb = new StringBuilder();
                foreach (var c in p)
                {
                    sb.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
                }

                if (sb.Length > 0 && !SyntaxFacts.IsIdentifierStartCharacter(sb[0]))
                {
                    sb.Insert(0, '_');
                }

                return Naming.Identifier(sb.ToString());
            })
            .Where(static p => p.Length > 0)
            .ToImmutableArray();
        return parts.Length == 0 ? "DurableAgents.Generated" : string.Join(".", parts);
    }
}
