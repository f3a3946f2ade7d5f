using System.Collections.Generic;
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
    private const string DurableTool = "global::DurableAgents.Agents.DurableTool";
    private const string Runner = "global::DurableAgents.Agents.DurableAgentRunner";
    private const string StepBody = "global::System.Func<" + Names.CancellationToken + ", " + Names.Task + "<" + Names.JsonElement + ">>";

    public static string Emit(AgentModel model, SettingsModel settings)
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
        w.Line("/// <summary>What the agent does (its tool description when another agent calls it).</summary>");
        w.Line("public const string Description = " + Naming.Literal(model.Description) + ";");
        w.Line();
        w.Line("/// <summary>The system instructions (<c>[AgentInstructions]</c>), or null.</summary>");
        w.Line("public const string? Instructions = " + (model.Instructions is null ? "null" : Naming.Literal(model.Instructions)) + ";");
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

        w.Line();
        w.Line("/// <summary>Every tool as a <c>DurableTool</c> for the agent loop, in declaration order.</summary>");
        w.Line(Names.GeneratedCode);
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<" + DurableTool + "> All(" + agentParameter.TrimEnd(',', ' ') + ") => new " + DurableTool + "[] { "
            + string.Join(", ", model.Tools.Select(t => t.NestedClassName + ".Create(" + agentArgument.TrimEnd(',', ' ') + ")")) + " };");
        if (!model.Session)
        {
            w.Line();
            w.Line("/// <summary>This agent as a tool of another agent: each call is a durable call to its <c>run</c> handler (its own invocation).</summary>");
            w.Line(Names.GeneratedCode);
            w.Line("public static " + DurableTool + " AsTool(string? toolName = null, string? description = null, bool requiresApproval = false)");
            w.Line("    => " + DurableTool + ".FromAgent(AgentName, toolName, description ?? (Description.Length == 0 ? null : Description), requiresApproval);");
        }

        foreach (var t in model.Tools)
        {
            w.Line();
            EmitTool(w, model, t, agentParameter);
        }

        w.Line();
        EmitHelpers(w);
        w.Close();
        w.Line();
        EmitHandlers(w, model);
        w.Close();

        if (model.Service.ClientAccessibility is not null)
        {
            var baseName = model.ClassName.TrimStart('@');
            w.Line();
            w.Open("partial class " + baseName + "ContextClient");
            w.Line("/// <summary>Runs the agent and returns its answer as a <typeparamref name=\"T\"/> (structured output: the model answers with JSON matching the type's schema).</summary>");
            w.Line(Names.GeneratedCode);
            w.Open("public async " + Names.Task + "<T> RunAsync<T>(string message, global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, " + Names.CallOptions + "? options = null)");
            w.Line("var response = await RunAsync(global::DurableAgents.AgentRequest.ForOutput(message, typeInfo), options);");
            w.Line("return response.GetOutput(typeInfo);");
            w.Close();
            w.Close();
            if (settings.HasIngressClient)
            {
                w.Line();
                w.Open("partial class " + baseName + "Client");
                w.Line("/// <summary>Runs the agent through the ingress and returns its answer as a <typeparamref name=\"T\"/> (structured output).</summary>");
                w.Line(Names.GeneratedCode);
                w.Open("public async " + Names.Task + "<T> RunAsync<T>(string message, global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, " + Names.IngressCallOptions + "? options = null, " + Names.CancellationToken + " cancellationToken = default)");
                w.Line("var response = await RunAsync(global::DurableAgents.AgentRequest.ForOutput(message, typeInfo), options, cancellationToken).ConfigureAwait(false);");
                w.Line("return response.GetOutput(typeInfo);");
                w.Close();
                if (settings.HasAgentProxy)
                {
                    w.Line();
                    w.Line("/// <summary>");
                    w.Line("/// The agent as a Microsoft Agent Framework <c>AIAgent</c> that runs it through the ingress (each run one durable");
                    w.Line("/// invocation" + (model.Session ? "; the proxy's sessions are the agent's session keys" : "") + "), e.g. as a step of an Agent Framework workflow.");
                    w.Line("/// </summary>");
                    w.Line(Names.GeneratedCode);
                    w.Open("public static global::DurableAgents.AgentFramework.DurableAgentProxy AsAIAgent(" + Names.IngressClient + " client, global::DurableAgents.AgentFramework.DurableAgentProxyOptions? options = null)");
                    w.Line("options ??= new global::DurableAgents.AgentFramework.DurableAgentProxyOptions();");
                    w.Line("return new global::DurableAgents.AgentFramework.DurableAgentProxy(client, ServiceName, " + (model.Session ? "true" : "false")
                        + ", options.Description is null && " + model.FullyQualifiedName + ".DurableTools.Description.Length > 0 ? options with { Description = " + model.FullyQualifiedName + ".DurableTools.Description } : options);");
                    w.Close();
                }

                w.Close();
            }
        }

        w.CloseAll(opened);
        return w.ToString();
    }

    /// <summary>The handler methods the agent's Restate definition invokes (see <see cref="AgentModel.Service"/>).</summary>
    private static void EmitHandlers(SourceWriter w, AgentModel model)
    {
        var self = model.IsStatic ? "" : "this";
        var instance = model.IsStatic ? "static " : "";
        w.Line("/// <summary>The agent as the runtime sees it: name, instructions, turn limit, tools and the options hook.</summary>");
        w.Line(Names.GeneratedCode);
        w.Line("private " + instance + "global::DurableAgents.Agents.DurableAgentSpec __AgentSpec() => new global::DurableAgents.Agents.DurableAgentSpec");
        w.Line("{");
        w.Line("    Name = DurableTools.AgentName,");
        w.Line("    Description = DurableTools.Description,");
        w.Line("    Instructions = DurableTools.Instructions,");
        w.Line("    MaxTurns = DurableTools.MaxTurns,");
        w.Line("    Session = DurableTools.Session,");
        w.Line("    Tools = DurableTools.All(" + self + "),");
        if (model.McpServers.Count > 0)
        {
            w.Line("    McpServers = new global::DurableAgents.Mcp.McpServer[]");
            w.Line("    {");
            foreach (var server in model.McpServers)
            {
                w.Line("        global::DurableAgents.Mcp.McpServer.FromAttribute(" + string.Join(", ", McpServerArguments(server)) + "),");
            }

            w.Line("    },");
        }

        if (model.HasConfigure)
        {
            w.Line("    Configure = ((global::DurableAgents.Agents.IConfigureDurableAgent)this).Configure,");
        }

        w.Line("};");
        w.Line();
        var runContext = model.Session ? "global::DurableAgents.IObjectContext" : Names.IContext;
        w.Line(Names.GeneratedCode);
        w.Line("private " + instance + Names.Task + "<global::DurableAgents.AgentResponse> __AgentRun(" + runContext + " context, global::DurableAgents.AgentRequest request)");
        w.Line("    => " + Runner + ".RunAsync(context, __AgentSpec(), request);");
        w.Line();
        var sharedContext = model.Session ? "global::DurableAgents.ISharedObjectContext" : Names.IContext;
        w.Line(Names.GeneratedCode);
        w.Line("private static " + Names.Task + "<bool> __AgentApprove(" + sharedContext + " context, global::DurableAgents.ApprovalDecision decision)");
        w.Line("    => " + Runner + ".ApproveAsync(context, decision, DurableTools.AgentName);");
        if (!model.Session)
        {
            w.Line();
            w.Line(Names.GeneratedCode);
            w.Line("private static " + Names.Task + "<global::System.Collections.Generic.List<global::DurableAgents.PendingApproval>> __AgentApprovals(" + Names.IContext + " context, string invocationId)");
            w.Line("    => " + Runner + ".GetApprovalsAsync(context, invocationId, DurableTools.AgentName);");
        }
        else
        {
            w.Line();
            w.Line(Names.GeneratedCode);
            w.Line("private static " + Names.Task + "<global::System.Collections.Generic.IList<global::Microsoft.Extensions.AI.ChatMessage>> __AgentHistory(global::DurableAgents.ISharedObjectContext context)");
            w.Line("    => " + Runner + ".GetHistoryAsync(context);");
            w.Line();
            w.Line(Names.GeneratedCode);
            w.Line("private static " + Names.Task + "<global::System.Collections.Generic.List<global::DurableAgents.PendingApproval>> __AgentApprovals(global::DurableAgents.ISharedObjectContext context)");
            w.Line("    => " + Runner + ".GetApprovalsAsync(context);");
            w.Line();
            w.Line(Names.GeneratedCode);
            w.Line("private static " + Names.Task + " __AgentReset(global::DurableAgents.IObjectContext context)");
            w.Line("    => " + Runner + ".ResetAsync(context);");
        }
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
        var agentArgument = model.IsStatic ? "" : "agent, ";
        w.Line("/// <summary>Binds <paramref name=\"arguments\"/> (missing or malformed: <c>TerminalException</c> 400) and returns the tool body.</summary>");
        w.Line(Names.GeneratedCode);
        w.Open("public static " + StepBody + " Bind(" + agentParameter + Names.IContext + " context, " + Names.JsonElement + " arguments)");
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
        w.Line("return " + (isAsync ? "async " : "") + "cancellationToken =>");
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
        w.Line("};");
        w.Close();
        w.Line();
        w.Line("/// <summary>Binds <paramref name=\"arguments\"/> and runs the tool once as a journaled step; a replay returns the recorded result.</summary>");
        w.Line(Names.GeneratedCode);
        w.Line("public static " + Names.DurableFuture + "<" + Names.JsonElement + "> Invoke(" + agentParameter + Names.IContext + " context, string callId, " + Names.JsonElement + " arguments)");
        w.Line("    => context.RunAsync<" + Names.JsonElement + ">(StepName(callId), Bind(" + agentArgument + "context, arguments), " + Names.BuiltInJsonContext + ".Default.JsonElement);");
        w.Line();
        w.Line("/// <summary>The tool for the agent loop: each call is the journaled step <c>tool:" + ServiceEmitter.Xml(t.Name) + ":{callId}</c>.</summary>");
        w.Line(Names.GeneratedCode);
        w.Line("public static " + DurableTool + " Create(" + agentParameter.TrimEnd(',', ' ') + ")");
        w.Line("    => " + DurableTool + ".FromStep(Name, Description, JsonSchema, RequiresApproval, (context, arguments) => Bind(" + agentArgument + "context, arguments));");
        w.Close();
    }

    /// <summary>The arguments of <c>McpServer.FromAttribute</c> for one <c>[McpServer]</c>.</summary>
    private static IEnumerable<string> McpServerArguments(McpServerModel server)
    {
        yield return Naming.Literal(server.Name);
        yield return Nullable(server.Command);
        yield return Strings(server.Arguments);
        yield return Nullable(server.WorkingDirectory);
        yield return Nullable(server.Url);
        yield return server.RequireApproval ? "true" : "false";
        yield return Strings(server.ApprovalRequiredTools);
        yield return server.HasAllowedTools ? Strings(server.AllowedTools) : "null";
        yield return Nullable(server.ToolNamePrefix);
    }

    private static string Nullable(string? value) => value is null ? "null" : Naming.Literal(value);

    private static string Strings(EquatableArray<string> values)
        => values.Count == 0 ? "global::System.Array.Empty<string>()" : "new string[] { " + string.Join(", ", values.Select(Naming.Literal)) + " }";

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
