using System.Collections.Generic;
using System.Threading;
using DurableAgents.Generator.Journal;
using DurableAgents.Generator.Model;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Parsing;

/// <summary>Reduces a durable class to its journal manifests (shared code in <c>Journal/</c>) as an equatable model.</summary>
internal static class JournalParser
{
    public static JournalManifestModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return null;
        }

        var compilation = context.SemanticModel.Compilation;
        var manifests = ManifestBuilder.ForClass(type, compilation, ManifestBuilder.SyntaxBodies(compilation, cancellationToken), cancellationToken);
        var blocks = new List<JournalBlockModel>(manifests.Length);
        foreach (var m in manifests)
        {
            blocks.Add(new JournalBlockModel(m.Key, LockFile.Lines(m).ToEquatableArray()));
        }

        return new JournalManifestModel(type.ToDisplayString(), blocks.ToEquatableArray());
    }
}
