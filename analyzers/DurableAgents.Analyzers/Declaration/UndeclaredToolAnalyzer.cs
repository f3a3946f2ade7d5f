using System;
using System.Collections.Immutable;
using DurableAgents.Analyzers.Infrastructure;
using DurableAgents.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DurableAgents.Analyzers.Declaration;

/// <summary>
/// DA1010: a method of a <c>[DurableAgent]</c> class that has <c>[Description]</c> and is named in the agent's
/// <c>[AgentInstructions]</c> (by its method name, without <c>Async</c>, or as the snake_case tool name) but lacks
/// <c>[DurableTool]</c>: the instructions tell the model to use a tool it is never offered.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndeclaredToolAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.DescribedMethodNotTool);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            var instructionsAttribute = KnownSymbols.Get(start.Compilation, KnownTypeNames.AgentInstructionsAttribute);
            var descriptionAttribute = KnownSymbols.Get(start.Compilation, KnownTypeNames.DescriptionAttribute);
            if (known is null || instructionsAttribute is null || descriptionAttribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeType(c, known, instructionsAttribute, descriptionAttribute), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, INamedTypeSymbol instructionsAttribute, INamedTypeSymbol descriptionAttribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (known.GetDurableKind(type) is not (DurableKind.Agent or DurableKind.SessionAgent)
            || KnownSymbols.FindAttribute(type, instructionsAttribute) is not { ConstructorArguments: [{ Value: string instructions }] }
            || string.IsNullOrWhiteSpace(instructions))
        {
            return;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                || known.IsTool(method)
                || !KnownSymbols.HasAttribute(method, descriptionAttribute))
            {
                continue;
            }

            var named = NamedIn(instructions, method.Name);
            if (named is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DescribedMethodNotTool,
                    method.Locations.Length > 0 ? method.Locations[0] : Location.None,
                    method.Name,
                    type.Name,
                    named));
            }
        }
    }

    /// <summary>The form of the method's name that occurs in the instructions as a whole word (case-insensitive), or null.</summary>
    internal static string? NamedIn(string instructions, string methodName)
    {
        foreach (var candidate in new[] { Naming.SnakeCase(methodName), methodName, Naming.TrimAsync(methodName) })
        {
            if (candidate.Length > 0 && ContainsWord(instructions, candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var index = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); index >= 0; index = text.IndexOf(word, index + 1, StringComparison.OrdinalIgnoreCase))
        {
            var before = index == 0 || !IsWordChar(text[index - 1]);
            var end = index + word.Length;
            var after = end == text.Length || !IsWordChar(text[end]);
            if (before && after)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
