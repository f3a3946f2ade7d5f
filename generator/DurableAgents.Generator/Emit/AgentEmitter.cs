using System.Linq;
using DurableAgents.Generator.Model;
using DurableAgents.Generator.Parsing;

namespace DurableAgents.Generator.Emit;

/// <summary>
/// Emits, for one <c>[DurableAgent]</c> class, a nested <c>DurableTools</c> class: per tool its name, description and
/// compile-time JSON Schema, and a wrapper that binds the model's JSON arguments and runs the tool body as one
/// journaled step named <c>tool:{name}:{callId}</c>; plus a dispatcher by tool name.
/// </summary>
/// <remarks>
/// Hook for the agent runtime: an <c>AIFunction</c> per tool needs exactly <see cref="ToolModel.Name"/>,
/// <see cref="ToolModel.Description"/>, <see cref="ToolModel.JsonSchema"/> and the wrapper emitted here; add its
/// emission in <see cref="EmitTool"/> once the runtime has an AIFunction base to derive from.
/// </remarks>
internal static class AgentEmitter
{
    public static string Emit(AgentModel model)
    {
        var w = new SourceWriter().Header();
        var opened = w.OpenHierarchy(model.Hierarchy);
        w.Open((model.IsStatic ? "static " : "") + "partial class " + model.ClassName);

        var agentParameter = model.IsStatic ? "" : model.FullyQualifiedName + " agent, ";
        var agentArgument = model.IsStatic ? "" : "agent, ";

        w.Line("/// <summary>The durable tools of agent <c>" + ServiceEmitter.Xml(model.AgentName) + "</c>: compile-time metadata and journaled wrappers.</summary>");
        w.Line(Names.GeneratedCode);
        w.Open("public static partial class DurableTools");
        w.Line("/// <summary>The agent's Restate service name.</summary>");
        w.Line("public const string AgentName = " + Naming.Literal(model.AgentName) + ";");
        w.Line();
        w.Line("/// <summary>Whether the agent is a session-keyed Virtual Object.</summary>");
        w.Line("public const bool Session = " + (model.Session ? "true" : "false") + ";");
        w.Line();
        w.Line("/// <summary>The maximum number of model turns in one run (0 = the runtime default).</summary>");
        w.Line("public const int MaxTurns = " + model.MaxTurns.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
        w.Line();
        w.Line("/// <summary>The tool names, in declaration order.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> Names { get; } = new string[] { " + string.Join(", ", model.Tools.Select(t => Naming.Literal(t.Name))) + " };");
        w.Line();
        w.Line("/// <summary>Runs the tool <paramref name=\"toolName\"/> for the model's call <paramref name=\"callId\"/> as a journaled step.</summary>");
        w.Line(Names.GeneratedCode);
        w.Open("public static " + Names.DurableFuture + "<" + Names.JsonElement + "> Invoke(" + agentParameter + Names.IContext + " context, string toolName, string callId, " + Names.JsonElement + " arguments)");
        w.Open("switch (toolName)");
        foreach (var t in model.Tools)
        {
            w.Line("case " + Naming.Literal(t.Name) + ":");
            w.Line("    return " + t.NestedClassName + ".Invoke(" + agentArgument + "context, callId, arguments);");
        }

        w.Line("default:");
        w.Line("    throw new " + Names.TerminalException + "(\"Agent '" + Escape(model.AgentName) + "' has no tool '\" + toolName + \"'.\", 404);");
        w.Close();
        w.Close();

        foreach (var t in model.Tools)
        {
            w.Line();
            EmitTool(w, model, t, agentParameter);
        }

        w.Line();
        EmitHelpers(w);
        w.Close();
        w.Close();
        w.CloseAll(opened);
        return w.ToString();
    }

    private static string Escape(string text) => Naming.Literal(text).Trim('"');

    private static void EmitTool(SourceWriter w, AgentModel model, ToolModel t, string agentParameter)
    {
        w.Line("/// <summary>The tool <c>" + ServiceEmitter.Xml(t.Name) + "</c> (method <c>" + t.MethodName.TrimStart('@') + "</c>).</summary>");
        w.Line(Names.GeneratedCode);
        w.Open("public static class " + t.NestedClassName);
        w.Line("/// <summary>The tool name shown to the model.</summary>");
        w.Line("public const string Name = " + Naming.Literal(t.Name) + ";");
        w.Line();
        w.Line("/// <summary>The tool description shown to the model.</summary>");
        w.Line("public const string Description = " + Naming.Literal(t.Description) + ";");
        w.Line();
        w.Line("/// <summary>The JSON Schema of the arguments object, computed at compile time from the signature.</summary>");
        w.Line("public const string JsonSchema = " + Naming.Literal(t.JsonSchema) + ";");
        w.Line();
        w.Line("/// <summary>Whether each call must wait for a human approval.</summary>");
        w.Line("public const bool RequiresApproval = " + (t.RequiresApproval ? "true" : "false") + ";");
        w.Line();
        w.Line("/// <summary>The journal step name of one call: stable across replays and unique per model tool call.</summary>");
        w.Line("public static string StepName(string callId) => \"tool:" + Escape(t.Name) + ":\" + callId;");
        w.Line();
        w.Line("/// <summary>Binds <paramref name=\"arguments\"/> and runs the tool once as a journaled step; a replay returns the recorded result.</summary>");
        w.Line(Names.GeneratedCode);
        w.Open("public static " + Names.DurableFuture + "<" + Names.JsonElement + "> Invoke(" + agentParameter + Names.IContext + " context, string callId, " + Names.JsonElement + " arguments)");
        w.Line("var options = context.JsonOptions;");
        var args = new System.Collections.Generic.List<string>();
        for (var i = 0; i < t.Parameters.Count; i++)
        {
            var p = t.Parameters[i];
            if (p.IsCancellationToken)
            {
                args.Add("cancellationToken");
                continue;
            }

            var local = "arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            w.Line("var " + local + " = Argument<" + p.Type + ">(arguments, Name, " + Naming.Literal(p.JsonName) + ", " + Names.TypeInfo(p.Type, "options") + ", "
                + (p.IsRequired ? "true" : "false") + ", " + p.DefaultValue + ");");
            args.Add(local);
        }

        var target = t.IsStatic ? model.FullyQualifiedName : "agent";
        var call = target + "." + t.MethodName + "(" + string.Join(", ", args) + ")";
        var isAsync = t.Return is ReturnKind.Task or ReturnKind.TaskOfT or ReturnKind.ValueTask or ReturnKind.ValueTaskOfT;
        w.Line("return context.RunAsync<" + Names.JsonElement + ">(StepName(callId), " + (isAsync ? "async " : "") + "cancellationToken =>");
        w.Line("{");
        var awaited = isAsync ? "await " + call + ".ConfigureAwait(false)" : call;
        string resultExpression;
        if (t.ResultType is { } resultType)
        {
            w.Line("    var result = " + awaited + ";");
            resultExpression = Names.JsonSerializer + ".SerializeToElement<" + resultType + ">(result, " + Names.TypeInfo(resultType, "options") + ")";
        }
        else
        {
            w.Line("    " + awaited + ";");
            resultExpression = "NullElement()";
        }

        w.Line(isAsync ? "    return " + resultExpression + ";" : "    return " + Names.Task + ".FromResult(" + resultExpression + ");");
        w.Line("}, " + Names.BuiltInJsonContext + ".Default.JsonElement);");
        w.Close();
        w.Close();
    }

    private static void EmitHelpers(SourceWriter w)
    {
        w.Line(Names.GeneratedCode);
        w.Open("private static T Argument<T>(" + Names.JsonElement + " arguments, string tool, string name, global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, bool required, T defaultValue)");
        w.Open("if (arguments.ValueKind == global::System.Text.Json.JsonValueKind.Object && arguments.TryGetProperty(name, out var value))");
        w.Open("try");
        w.Line("return " + Names.JsonSerializer + ".Deserialize<T>(value, typeInfo)!;");
        w.Close();
        w.Open("catch (global::System.Text.Json.JsonException e)");
        w.Line("throw new " + Names.TerminalException + "(\"Tool '\" + tool + \"': invalid argument '\" + name + \"': \" + e.Message, 400, e);");
        w.Close();
        w.Close();
        w.Line();
        w.Open("if (required)");
        w.Line("throw new " + Names.TerminalException + "(\"Tool '\" + tool + \"': missing argument '\" + name + \"'.\", 400);");
        w.Close();
        w.Line();
        w.Line("return defaultValue;");
        w.Close();
        w.Line();
        w.Line(Names.GeneratedCode);
        w.Line("private static " + Names.JsonElement + " NullElement() => global::System.Text.Json.JsonDocument.Parse(\"null\").RootElement.Clone();");
    }
}
