using Microsoft.CodeAnalysis;

namespace DurableAgents.Generator.Journal;

/// <summary>The Restate names of durable classes, handlers and tools, by the generator's conventions (Parsing/Naming.cs).</summary>
internal static class Durable
{
    /// <summary>The service (or agent) name of a durable class, or null when the class is not durable.</summary>
    public static string? ServiceName(INamedTypeSymbol type)
    {
        foreach (var a in type.GetAttributes())
        {
            switch (a.AttributeClass?.ToDisplayString())
            {
                case JournalNames.ServiceAttribute:
                case JournalNames.VirtualObjectAttribute:
                case JournalNames.WorkflowAttribute:
                case JournalNames.DurableAgentAttribute:
                    var name = a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is string s ? s : type.Name;
                    return name.Length == 0 ? null : name;
            }
        }

        return null;
    }

    public static bool IsAgent(INamedTypeSymbol type) => Find(type, JournalNames.DurableAgentAttribute) is not null;

    /// <summary>The Restate handler name of a <c>[Handler]</c>/<c>[SharedHandler]</c> method, else null.</summary>
    public static string? HandlerName(IMethodSymbol method)
    {
        var attribute = Find(method, JournalNames.HandlerAttribute) ?? Find(method, JournalNames.SharedHandlerAttribute);
        if (attribute is null)
        {
            return null;
        }

        return attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s
            ? s
            : Parsing.Naming.DefaultHandlerName(method.Name);
    }

    /// <summary>The tool name of a <c>[DurableTool]</c> method, else null.</summary>
    public static string? ToolName(IMethodSymbol method)
    {
        var attribute = Find(method, JournalNames.DurableToolAttribute);
        if (attribute is null)
        {
            return null;
        }

        return attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s
            ? s
            : Parsing.Naming.SnakeCase(method.Name);
    }

    /// <summary>Whether a tool waits for a human approval (<c>[DurableTool(RequiresApproval = true)]</c>).</summary>
    public static bool RequiresApproval(IMethodSymbol method)
    {
        var attribute = Find(method, JournalNames.DurableToolAttribute);
        if (attribute is null)
        {
            return false;
        }

        foreach (var kv in attribute.NamedArguments)
        {
            if (kv.Key == "RequiresApproval" && kv.Value.Value is true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The result type of a method (unwrapping Task/ValueTask), or null for void, Task and ValueTask.</summary>
    public static ITypeSymbol? Output(IMethodSymbol method)
    {
        var type = method.ReturnType;
        if (type.SpecialType == SpecialType.System_Void)
        {
            return null;
        }

        if (type is INamedTypeSymbol named && named.Name is "Task" or "ValueTask"
            && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            return named.TypeArguments.Length == 1 ? named.TypeArguments[0] : null;
        }

        return type;
    }

    private static AttributeData? Find(ISymbol symbol, string name)
    {
        foreach (var a in symbol.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() == name)
            {
                return a;
            }
        }

        return null;
    }
}
