using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Journal;

/// <summary>
/// Builds the journal manifests of a durable class: one per handler (<c>handler Service/handler</c>) and, for a
/// <c>[DurableAgent]</c>, the runtime's agent loop with one line per tool (<c>agent Name/run</c>). Shared by the
/// generator (update mode writes the lock), the DA4xxx analyzer and the accept fix.
/// </summary>
internal static class ManifestBuilder
{
    /// <summary>Method bodies read from syntax (the generator and the code fix; analyzers use their operation blocks).</summary>
    public static Func<IMethodSymbol, IOperation?> SyntaxBodies(Compilation compilation, CancellationToken cancellationToken)
        => method =>
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax(cancellationToken);
                if (!compilation.ContainsSyntaxTree(node.SyntaxTree))
                {
                    continue;
                }

                var operation = compilation.GetSemanticModel(node.SyntaxTree).GetOperation(node, cancellationToken);
                if (operation is not null)
                {
                    return operation;
                }
            }

            return null;
        };

    /// <summary>The manifests of <paramref name="type"/>, sorted by key; empty when the class is not durable.</summary>
    public static ImmutableArray<HandlerManifest> ForClass(INamedTypeSymbol type, Compilation compilation, Func<IMethodSymbol, IOperation?> bodies, CancellationToken cancellationToken)
    {
        if (Durable.ServiceName(type) is not { } service)
        {
            return ImmutableArray<HandlerManifest>.Empty;
        }

        var result = new List<HandlerManifest>();
        if (Durable.IsAgent(type))
        {
            result.Add(Agent(type, service, cancellationToken));
        }
        else
        {
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IMethodSymbol method && Durable.HandlerName(method) is { } handler)
                {
                    var walker = new StepWalker(compilation, bodies, cancellationToken);
                    walker.WalkMethod(method);
                    result.Add(new HandlerManifest("handler", service + "/" + handler, walker.Lines.ToImmutableArray(),
                        Declaration(method, cancellationToken), nonConstantNames: walker.NonConstantNames.ToImmutableArray()));
                }
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result.ToImmutableArray();
    }

    /// <summary>Every durable class of the compilation (the code fix's whole-lock rewrite).</summary>
    public static ImmutableArray<HandlerManifest> ForCompilation(Compilation compilation, CancellationToken cancellationToken)
    {
        var bodies = SyntaxBodies(compilation, cancellationToken);
        var result = new List<HandlerManifest>();
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var symbol in compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken))
        {
            if (symbol is INamedTypeSymbol type && seen.Add(type))
            {
                result.AddRange(ForClass(type, compilation, bodies, cancellationToken));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result.ToImmutableArray();
    }

    /// <summary>
    /// An agent's run: the runtime's loop (DurableAgentRunner/DurableChatClient/StepTool: <c>llm:{n}</c> model turns,
    /// <c>tool:{name}:{callId}</c> tool calls, approvals when a tool requires them, a session's history in state) and
    /// one line per tool, ordinal by name. An <c>[McpServer]</c> adds its journaled listing <c>mcp:{server}:tools</c>
    /// before the loop and its calls <c>mcp:{server}:{tool}:{callId}</c> in the loop (the MCP tools themselves are only
    /// known at run time).
    /// </summary>
    private static HandlerManifest Agent(INamedTypeSymbol type, string name, CancellationToken cancellationToken)
    {
        var session = false;
        var mcpServers = new List<string>();
        var approvals = false;
        foreach (var a in type.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() == JournalNames.DurableAgentAttribute)
            {
                foreach (var kv in a.NamedArguments)
                {
                    session |= kv.Key == "Session" && kv.Value.Value is true;
                }
            }
            else if (a.AttributeClass?.ToDisplayString() == JournalNames.McpServerAttribute && a.ConstructorArguments is [{ Value: string server }])
            {
                mcpServers.Add(server);
                foreach (var kv in a.NamedArguments)
                {
                    approvals |= (kv.Key == "RequireApproval" && kv.Value.Value is true)
                        || (kv.Key == "ApprovalRequiredTools" && !kv.Value.IsNull && kv.Value.Values.Length > 0);
                }
            }
        }

        var tools = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method && Durable.ToolName(method) is { } tool && !tools.ContainsKey(tool))
            {
                tools.Add(tool, ToolLine(tool, method));
                approvals |= Durable.RequiresApproval(method);
            }
        }

        var lines = new List<JournalLine>();
        void Line(int depth, string text) => lines.Add(new JournalLine(depth, text));
        if (session)
        {
            Line(0, "state.get \"agent:history\"");
        }

        foreach (var server in mcpServers)
        {
            Line(0, "run \"mcp:" + server + ":tools\" -> List<McpToolInfo>");
        }

        Line(0, "loop");
        Line(1, "run \"llm:{n}\" -> ChatResponse");
        if (tools.Count > 0 || mcpServers.Count > 0)
        {
            if (approvals)
            {
                Line(1, "if");
                Line(2, "awakeable -> ApprovalDecision");
                Line(2, "run \"approval:notify:{callId}\"");
                Line(2, "sleep \"approval-timeout\"");
                Line(1, "end");
            }

            Line(1, "loop");
            if (tools.Count > 0)
            {
                Line(2, "run \"tool:{name}:{callId}\"");
            }

            foreach (var server in mcpServers)
            {
                Line(2, "run \"mcp:" + server + ":{tool}:{callId}\"");
            }

            Line(1, "end");
            if (session)
            {
                Line(1, "state.set \"agent:history\"");
            }
        }

        Line(0, "end");
        if (session)
        {
            Line(0, "state.set \"agent:history\"");
        }

        foreach (var t in tools.Values)
        {
            Line(0, t);
        }

        var declaration = type.DeclaringSyntaxReferences.Length > 0 ? type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) : null;
        return new HandlerManifest("agent", name + "/run", lines.ToImmutableArray(), declaration);
    }

    /// <summary><c>tool get_weather(city: String@…, days?: Int32@…) -> Forecast@…</c>.</summary>
    internal static string ToolLine(string name, IMethodSymbol method)
    {
        var sb = new StringBuilder("tool ").Append(name).Append('(');
        var first = true;
        foreach (var p in method.Parameters)
        {
            if (p.Type.Name == "CancellationToken" || StepWalker.IsContextType(p.Type))
            {
                continue;
            }

            sb.Append(first ? "" : ", ").Append(p.Name).Append(p.HasExplicitDefaultValue ? "?" : "").Append(": ").Append(ContractHasher.Contract(p.Type));
            first = false;
        }

        sb.Append(')');
        if (Durable.Output(method) is { } output)
        {
            sb.Append(" -> ").Append(ContractHasher.Contract(output));
        }

        return sb.ToString();
    }

    private static SyntaxNode? Declaration(IMethodSymbol method, CancellationToken cancellationToken)
        => method.DeclaringSyntaxReferences.Length > 0 ? method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) : null;
}
