using System.Collections.Generic;
using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using DurableAgents.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>
/// DA1011: an <c>[McpServer]</c> attribute of a <c>[DurableAgent]</c> class that the generator cannot use (the same rules,
/// <see cref="McpServerRules"/>): a server name that is empty, malformed or used twice; neither or both of
/// <c>Command</c> and <c>Url</c>; an empty <c>Command</c>; an <c>Url</c> that is not an absolute http(s) URL.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class McpServerAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidMcpServer);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            var attribute = KnownSymbols.Get(start.Compilation, KnownTypeNames.McpServerAttribute);
            if (known is null || attribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeType(c, known, attribute), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                ?? (type.Locations.Length > 0 ? type.Locations[0] : Location.None);
            if (known.GetDurableKind(type) is not (DurableKind.Agent or DurableKind.SessionAgent))
            {
                Report(context, location, type, "[McpServer] applies to [DurableAgent] classes only; the generator ignores it here");
                continue;
            }

            var name = attribute.ConstructorArguments is [{ Value: string n }] ? n : null;
            string? command = null, url = null;
            foreach (var kv in attribute.NamedArguments)
            {
                if (kv.Key == "Command")
                {
                    command = kv.Value.Value as string;
                }
                else if (kv.Key == "Url")
                {
                    url = kv.Value.Value as string;
                }
            }

            if (!McpServerRules.IsValidName(name))
            {
                Report(context, location, type, $"the server name '{name}' must be 1 to {McpServerRules.MaxNameLength} ASCII letters, digits, '_', '-' or '.' (it is part of step names)");
            }
            else if (!names.Add(name!))
            {
                Report(context, location, type, $"the server name '{name}' is used twice (step names mcp:{name}:... would collide)");
            }
            else if ((command is null) == (url is null))
            {
                Report(context, location, type, $"server '{name}' sets {(command is null ? "neither" : "both")} Command (stdio) {(command is null ? "nor" : "and")} Url (Streamable HTTP); set exactly one");
            }
            else if (command is { Length: 0 })
            {
                Report(context, location, type, $"server '{name}' has an empty Command");
            }
            else if (url is not null && !McpServerRules.IsHttpUrl(url))
            {
                Report(context, location, type, $"server '{name}' has Url '{url}', which is not an absolute http(s) URL");
            }
        }
    }

    private static void Report(SymbolAnalysisContext context, Location location, INamedTypeSymbol type, string reason)
        => context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidMcpServer, location, type.Name, reason));
}
