using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Threading;
using DurableAgents.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DurableAgents.Generator.Parsing;

/// <summary>Turns a <c>[DurableAgent]</c> class into an <see cref="AgentModel"/>, or null when its shape is invalid.</summary>
internal static class AgentParser
{
    private static readonly HashSet<string> Reserved = new(System.StringComparer.Ordinal)
    {
        "AgentName", "Session", "MaxTurns", "Names", "Invoke", "DurableTools", "Description", "Instructions", "All", "AsTool",
    };

    public static AgentModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration
            || !ServiceParser.IsValidClass(type, declaration) || context.Attributes.Length != 1)
        {
            return null;
        }

        var hierarchy = SymbolHelpers.GetHierarchy(type, declaration);
        if (hierarchy is null)
        {
            return null;
        }

        var attribute = context.Attributes[0];
        var agentName = attribute.StringArgument() ?? type.Name;
        if (agentName.Length == 0)
        {
            return null;
        }

        var tools = new List<ToolModel>();
        var toolNames = new HashSet<string>(System.StringComparer.Ordinal);
        var classNames = new HashSet<string>(Reserved, System.StringComparer.Ordinal) { type.Name };
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method || method.FindAttribute(KnownTypeNames.DurableToolAttribute) is not { } toolAttribute)
            {
                continue;
            }

            var tool = ParseTool(method, toolAttribute, classNames, cancellationToken);
            if (tool is null || !toolNames.Add(tool.Name))
            {
                return null;
            }

            tools.Add(tool);
        }

        var session = attribute.NamedArgument<bool>("Session");
        var classAccessibility = SymbolHelpers.EffectiveAccessibility(type);
        var hasConfigure = !type.IsStatic && type.AllInterfaces.Any(static i => SymbolHelpers.IsNamed(i, KnownTypeNames.IConfigureDurableAgent));
        var instructions = type.FindAttribute(KnownTypeNames.AgentInstructionsAttribute)?.StringArgument();
        var description = type.FindAttribute(KnownTypeNames.DescriptionAttribute)?.StringArgument()
            ?? DocComments.For(type, cancellationToken).Summary
            ?? "";

        var mcpServers = McpServers(type);
        if (mcpServers is null)
        {
            return null;
        }

        return new AgentModel(
            SymbolHelpers.HintName(type, "DurableAgent"),
            hierarchy,
            Naming.Identifier(type.Name),
            type.ToFullyQualified(),
            type.IsStatic,
            agentName,
            session,
            attribute.NamedArgument<int>("MaxTurns"),
            tools.ToEquatableArray(),
            description,
            instructions,
            hasConfigure,
            mcpServers.ToEquatableArray(),
            AgentService(type, agentName, session, classAccessibility, hierarchy));
    }

    /// <summary>
    /// The <c>[McpServer]</c> attributes, or null when one is invalid (a name that is empty or not made of ASCII letters,
    /// digits, '_', '-', '.', neither or both of Command and Url, an Url that is not absolute http(s), a name used twice):
    /// DA1011 reports it.
    /// </summary>
    private static List<McpServerModel>? McpServers(INamedTypeSymbol type)
    {
        var servers = new List<McpServerModel>();
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var a in type.GetAttributes())
        {
            if (a.AttributeClass is not { } c || !SymbolHelpers.IsNamed(c, KnownTypeNames.McpServerAttribute))
            {
                continue;
            }

            var name = a.StringArgument();
            var command = a.NamedArgument<string>("Command");
            var url = a.NamedArgument<string>("Url");
            if (!McpServerRules.IsValidName(name) || !names.Add(name!) || (command is null) == (url is null) || command is { Length: 0 }
                || (url is not null && !McpServerRules.IsHttpUrl(url)))
            {
                return null;
            }

            var allowed = StringArray(a, "AllowedTools");
            servers.Add(new McpServerModel(
                name!,
                command,
                (StringArray(a, "Arguments") ?? []).ToEquatableArray(),
                a.NamedArgument<string>("WorkingDirectory"),
                url,
                a.NamedArgument<bool>("RequireApproval"),
                (StringArray(a, "ApprovalRequiredTools") ?? []).ToEquatableArray(),
                allowed is not null,
                (allowed ?? []).ToEquatableArray(),
                a.NamedArgument<string>("ToolNamePrefix")));
        }

        return servers;
    }

    private static List<string>? StringArray(AttributeData attribute, string name)
    {
        foreach (var kv in attribute.NamedArguments)
        {
            if (kv.Key == name)
            {
                return kv.Value.IsNull ? null : kv.Value.Values.Select(static v => v.Value as string ?? "").ToList();
            }
        }

        return null;
    }

    /// <summary>The agent's Restate service: the handlers the agent emitter writes into the class, described for the service emitter.</summary>
    private static ServiceModel AgentService(INamedTypeSymbol type, string agentName, bool session, Accessibility classAccessibility, TypeHierarchy hierarchy)
    {
        const string request = "global::DurableAgents.AgentRequest";
        const string response = "global::DurableAgents.AgentResponse";
        const string decision = "global::DurableAgents.ApprovalDecision";
        const string history = "global::System.Collections.Generic.IList<global::Microsoft.Extensions.AI.ChatMessage>";
        const string approvals = "global::System.Collections.Generic.List<global::DurableAgents.PendingApproval>";
        const string context = "global::DurableAgents.IContext";
        const string sharedObject = "global::DurableAgents.ISharedObjectContext";
        const string exclusiveObject = "global::DurableAgents.IObjectContext";
        var handlers = new List<HandlerModel>
        {
            new("run", "__AgentRun", "Run", type.IsStatic, session ? HandlerKind.Exclusive : HandlerKind.None, session ? exclusiveObject : context, request, true, null,
                AgentSchemas.Request, response, AgentSchemas.Response, ReturnKind.TaskOfT),
            new("approve", "__AgentApprove", "Approve", true, session ? HandlerKind.Shared : HandlerKind.None, session ? sharedObject : context, decision, true, null,
                AgentSchemas.Decision, "bool", "{\"type\":\"boolean\"}", ReturnKind.TaskOfT),
        };
        if (session)
        {
            handlers.Add(new("history", "__AgentHistory", "History", true, HandlerKind.Shared, sharedObject, null, false, null, null, history, "{\"type\":\"array\"}", ReturnKind.TaskOfT));
            handlers.Add(new("approvals", "__AgentApprovals", "Approvals", true, HandlerKind.Shared, sharedObject, null, false, null, null, approvals, AgentSchemas.Approvals, ReturnKind.TaskOfT));
            handlers.Add(new("reset", "__AgentReset", "Reset", true, HandlerKind.Exclusive, exclusiveObject, null, false, null, null, null, null, ReturnKind.Task));
        }
        else
        {
            // A Service has no state: the approvals of a run are listed by the run's invocation id (AgentApprovals).
            handlers.Add(new("approvals", "__AgentApprovals", "Approvals", true, HandlerKind.None, context, "string", true, null,
                AgentSchemas.RunId, approvals, AgentSchemas.Approvals, ReturnKind.TaskOfT));
        }

        return new ServiceModel(
            SymbolHelpers.HintName(type, "Restate"),
            hierarchy,
            Naming.Identifier(type.Name),
            type.ToFullyQualified(),
            type.IsStatic,
            agentName,
            session ? ServiceKind.VirtualObject : ServiceKind.Service,
            handlers.ToEquatableArray(),
            classAccessibility == Accessibility.Public ? "public" : SymbolHelpers.IsAssemblyVisible(classAccessibility) ? "internal" : null,
            SymbolHelpers.IsAssemblyVisible(classAccessibility));
    }

    private static ToolModel? ParseTool(IMethodSymbol method, AttributeData attribute, HashSet<string> classNames, CancellationToken cancellationToken)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsGenericMethod || method.IsAbstract)
        {
            return null;
        }

        var name = attribute.StringArgument() ?? Naming.SnakeCase(method.Name);
        if (name.Length == 0)
        {
            return null;
        }

        var docs = DocComments.For(method, cancellationToken);
        var description = attribute.NamedArgument<string>("Description")
            ?? JsonSchemaBuilder.DescriptionOf(method)
            ?? docs.Summary
            ?? "";

        var parameters = new List<ToolParameterModel>();
        var properties = new JsonWriter().StartObject();
        var required = new JsonWriter().StartArray();
        foreach (var p in method.Parameters)
        {
            if (p.RefKind != RefKind.None || p.IsParams)
            {
                return null;
            }

            var type = p.Type.ToFullyQualified();
            if (SymbolHelpers.IsNamed(p.Type, "System.Threading.CancellationToken"))
            {
                parameters.Add(new ToolParameterModel(p.Name, type, IsCancellationToken: true, IsRequired: false, DefaultValue: "default"));
                continue;
            }

            if (ServiceParser.ContextRank(p.Type) is not null || !ServiceParser.IsSerializable(p.Type))
            {
                return null;
            }

            var isRequired = !p.HasExplicitDefaultValue;
            var defaultValue = p.HasExplicitDefaultValue ? SymbolHelpers.DefaultLiteral(p, type) : "default!";
            if (defaultValue is null)
            {
                return null;
            }

            var paramDescription = JsonSchemaBuilder.DescriptionOf(p) ?? docs.Param(p.Name);
            var schema = JsonSchemaBuilder.Serialize(JsonSchemaBuilder.Schema(p.Type, JsonSchemaBuilder.IsNullable(p.Type), paramDescription, new List<ITypeSymbol>(), cancellationToken));
            properties.Property(p.Name).Raw(schema);
            if (isRequired)
            {
                required.String(p.Name);
            }

            parameters.Add(new ToolParameterModel(p.Name, type, IsCancellationToken: false, isRequired, defaultValue));
        }

        var toolSchema = new JsonWriter().StartObject()
            .Property("type").String("object")
            .Property("properties").Raw(properties.EndObject().ToString());
        var requiredJson = required.EndArray().ToString();
        if (requiredJson != "[]")
        {
            toolSchema.Property("required").Raw(requiredJson);
        }

        var (returnKind, resultType) = ReturnOf(method);
        if (returnKind is null)
        {
            return null;
        }

        var className = Naming.TrimAsync(method.Name) + "Tool";
        for (var i = 2; !classNames.Add(className); i++)
        {
            className = Naming.TrimAsync(method.Name) + "Tool" + i.ToString(CultureInfo.InvariantCulture);
        }

        return new ToolModel(
            name,
            description,
            toolSchema.EndObject().ToString(),
            attribute.NamedArgument<bool>("RequiresApproval"),
            Naming.Identifier(method.Name),
            className,
            method.IsStatic,
            parameters.ToEquatableArray(),
            returnKind.Value,
            resultType);
    }

    private static (ReturnKind?, string?) ReturnOf(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            return (ReturnKind.Void, null);
        }

        if (method.ReturnType is not INamedTypeSymbol returnType)
        {
            return ServiceParser.IsSerializable(method.ReturnType) ? (ReturnKind.Value, method.ReturnType.ToFullyQualified()) : (null, null);
        }

        var original = returnType.OriginalDefinition;
        if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.Task")) return (ReturnKind.Task, null);
        if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.ValueTask")) return (ReturnKind.ValueTask, null);
        if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.Task`1"))
        {
            return ServiceParser.IsSerializable(returnType.TypeArguments[0]) ? (ReturnKind.TaskOfT, returnType.TypeArguments[0].ToFullyQualified()) : (null, null);
        }

        if (SymbolHelpers.IsNamed(original, "System.Threading.Tasks.ValueTask`1"))
        {
            return ServiceParser.IsSerializable(returnType.TypeArguments[0]) ? (ReturnKind.ValueTaskOfT, returnType.TypeArguments[0].ToFullyQualified()) : (null, null);
        }

        return ServiceParser.IsSerializable(returnType) ? (ReturnKind.Value, returnType.ToFullyQualified()) : (null, null);
    }
}
