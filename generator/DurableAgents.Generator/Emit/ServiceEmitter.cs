using DurableAgents.Generator.Model;
using DurableAgents.Generator.Parsing;

namespace DurableAgents.Generator.Emit;

/// <summary>
/// Emits, for one class: the static <c>Definition</c> (name, kind, handlers with content types and JSON Schemas),
/// one direct-call invoker per handler, the in-handler client <c>XContextClient</c> and, when the runtime has it, the
/// ingress client <c>XClient</c>.
/// </summary>
internal static class ServiceEmitter
{
    public static string Emit(ServiceModel model, SettingsModel settings)
    {
        var w = new SourceWriter().Header();
        var opened = w.OpenHierarchy(model.Hierarchy);

        w.Open((model.IsStatic ? "static " : "") + "partial class " + model.ClassName);
        EmitDefinition(w, model, settings);
        for (var i = 0; i < model.Handlers.Count; i++)
        {
            w.Line();
            EmitInvoker(w, model, model.Handlers[i], i);
        }

        w.Close();

        if (model.ClientAccessibility is { } access)
        {
            w.Line();
            EmitContextClient(w, model, access);
            if (settings.HasIngressClient)
            {
                w.Line();
                EmitIngressClient(w, model, access, settings);
            }
        }

        w.CloseAll(opened);
        return w.ToString();
    }

    private static string Kind(ServiceKind kind) => kind switch
    {
        ServiceKind.VirtualObject => "VirtualObject",
        ServiceKind.Workflow => "Workflow",
        _ => "Service",
    };

    private static string InvokerName(HandlerModel h, int index) => "__Invoke" + index + "_" + h.MethodName.TrimStart('@');

    private static void EmitDefinition(SourceWriter w, ServiceModel model, SettingsModel settings)
    {
        w.Line("/// <summary>The Restate definition of this " + Kind(model.Kind) + " (<c>" + Xml(model.ServiceName) + "</c>): bind it with <c>options.Bind(Definition)</c> or <c>services.AddRestateServices()</c>.</summary>");
        w.Line(Names.GeneratedCode);
        w.Line("public static " + Names.ServiceDefinition + " Definition { get; } = new " + Names.ServiceDefinition);
        w.Line("{");
        w.Line("    Name = " + Naming.Literal(model.ServiceName) + ",");
        w.Line("    Type = " + Names.ServiceType + "." + Kind(model.Kind) + ",");
        w.Line("    JsonTypeInfoResolver = global::" + settings.RegistrationNamespace + "." + Names.RestateJsonClass + ".Resolver,");
        w.Line("    Handlers = new " + Names.HandlerDefinition + "[]");
        w.Line("    {");
        for (var i = 0; i < model.Handlers.Count; i++)
        {
            var h = model.Handlers[i];
            w.Line("        new " + Names.HandlerDefinition);
            w.Line("        {");
            w.Line("            Name = " + Naming.Literal(h.Name) + ",");
            w.Line("            Type = " + (h.Kind == HandlerKind.None ? "null" : Names.HandlerType + "." + h.Kind) + ",");
            w.Line("            Invoker = " + InvokerName(h, i) + ",");
            w.Line("            InputContentType = " + (h.InputType is null ? "null" : "\"application/json\"") + ",");
            w.Line("            InputRequired = " + (h.InputRequired ? "true" : "false") + ",");
            w.Line("            InputJsonSchema = " + (h.InputSchema is null ? "null" : Naming.Literal(h.InputSchema)) + ",");
            w.Line("            OutputContentType = " + (h.OutputType is null ? "null" : "\"application/json\"") + ",");
            w.Line("            OutputJsonSchema = " + (h.OutputSchema is null ? "null" : Naming.Literal(h.OutputSchema)) + ",");
            w.Line("        },");
        }

        w.Line("    },");
        w.Line("};");
    }

    private static void EmitInvoker(SourceWriter w, ServiceModel model, HandlerModel h, int index)
    {
        w.Line(Names.GeneratedCode);
        w.Open("private static async " + Names.ValueTask + "<" + Names.ReadOnlyMemoryOfByte + "> " + InvokerName(h, index) + "(" + Names.IHandlerContext + " context, " + Names.ReadOnlyMemoryOfByte + " input)");
        // The runtime hands every invoker the context of its handler's kind, typed as IHandlerContext (an IContext):
        // a handler taking a more capable interface gets it by a cast, which succeeds for the kinds the parser accepts.
        var args = h.ContextType is not { } contextType ? "" : contextType == Names.IContext ? "context" : "(" + contextType + ")context";
        if (h.InputType is { } inputType)
        {
            var deserialize = Names.JsonSerde + ".Deserialize<" + inputType + ">(input, " + Names.TypeInfo(inputType, "context.JsonOptions") + ")";
            w.Line("var request = " + (h.InputDefault is { } fallback ? "input.IsEmpty ? " + fallback + " : " + deserialize : deserialize) + ";");
            args = args.Length == 0 ? "request" : args + ", request";
        }

        string target;
        if (h.IsStatic)
        {
            target = model.FullyQualifiedName;
        }
        else
        {
            w.Line("var instance = " + Names.GetRequiredService + "<" + model.FullyQualifiedName + ">(context.Services);");
            target = "instance";
        }

        var call = target + "." + h.MethodName + "(" + args + ").ConfigureAwait(false)";
        if (h.OutputType is { } outputType)
        {
            w.Line("var result = await " + call + ";");
            w.Line("return " + Names.JsonSerde + ".Serialize<" + outputType + ">(result, " + Names.TypeInfo(outputType, "context.JsonOptions") + ");");
        }
        else
        {
            w.Line("await " + call + ";");
            w.Line("return " + Names.ReadOnlyMemoryOfByte + ".Empty;");
        }

        w.Close();
    }

    private static bool Keyed(ServiceModel model) => model.Kind != ServiceKind.Service;

    private static void EmitContextClient(SourceWriter w, ServiceModel model, string access)
    {
        var name = model.ClassName.TrimStart('@') + "ContextClient";
        var keyed = Keyed(model);
        w.Line("/// <summary>");
        w.Line("/// Calls <c>" + Xml(model.ServiceName) + "</c> from inside a handler. Every call is a durable Call or Send command: journaled,");
        w.Line("/// exactly once, and replayed from the journal after a restart.");
        w.Line("/// </summary>");
        w.Line(Names.GeneratedCode);
        w.Open(access + " sealed partial class " + name);
        w.Line("/// <summary>The Restate service name.</summary>");
        w.Line("public const string ServiceName = " + Naming.Literal(model.ServiceName) + ";");
        w.Line();
        w.Line("private readonly " + Names.IContext + " _context;");
        if (keyed)
        {
            w.Line("private readonly string _key;");
        }

        w.Line();
        w.Line("/// <summary>A client bound to the calling handler's context" + (keyed ? " and the target's key" : "") + ".</summary>");
        w.Open("public " + name + "(" + Names.IContext + " context" + (keyed ? ", string key" : "") + ")");
        w.Line("_context = context ?? throw new global::System.ArgumentNullException(nameof(context));");
        if (keyed)
        {
            w.Line("_key = key ?? throw new global::System.ArgumentNullException(nameof(key));");
        }

        w.Close();
        if (keyed)
        {
            w.Line();
            w.Line("/// <summary>The key of the target " + (model.Kind == ServiceKind.Workflow ? "workflow" : "object") + ".</summary>");
            w.Line("public string Key => _key;");
        }

        foreach (var h in model.Handlers)
        {
            var target = "new " + Names.CallTarget + "(ServiceName, " + Naming.Literal(h.Name) + (keyed ? ", _key" : "") + ")";
            var options = "_context.JsonOptions";
            w.Line();
            w.Line(h.InputType is null && h.OutputType is not null
                ? "/// <summary>Calls <c>" + Xml(model.ServiceName) + "/" + Xml(h.Name) + "</c> with an empty body and decodes its result (a task over the durable call).</summary>"
                : "/// <summary>Calls <c>" + Xml(model.ServiceName) + "/" + Xml(h.Name) + "</c> and returns its result (a durable future).</summary>");
            w.Line(Names.GeneratedCode);
            if (h.InputType is { } input)
            {
                var parameters = input + " request, " + Names.CallOptions + "? options = null";
                if (h.OutputType is { } output)
                {
                    w.Line("public " + Names.DurableFuture + "<" + output + "> " + h.ClientMethodBase + "Async(" + parameters + ")");
                    w.Line("    => _context.CallAsync<" + input + ", " + output + ">(" + target + ", request, " + Names.TypeInfo(input, options) + ", " + Names.TypeInfo(output, options) + ", options);");
                }
                else
                {
                    w.Line("public " + Names.DurableFuture + " " + h.ClientMethodBase + "Async(" + parameters + ")");
                    w.Line("    => _context.CallAsync<" + input + ", bool>(" + target + ", request, " + Names.TypeInfo(input, options) + ", " + Names.BuiltInJsonContext + ".Default.Boolean, options);");
                }
            }
            else if (h.OutputType is { } output)
            {
                // No input: the request body is empty, so the call goes through CallRawAsync and the result is decoded here.
                w.Open("public async " + Names.Task + "<" + output + "> " + h.ClientMethodBase + "Async(" + Names.CallOptions + "? options = null)");
                w.Line("var response = await _context.CallRawAsync(" + target + ", " + Names.ReadOnlyMemoryOfByte + ".Empty, options);");
                w.Line("return " + Names.JsonSerde + ".DeserializeJournaled<" + output + ">(response, " + Names.TypeInfo(output, options) + ");");
                w.Close();
            }
            else
            {
                w.Line("public " + Names.DurableFuture + " " + h.ClientMethodBase + "Async(" + Names.CallOptions + "? options = null)");
                w.Line("    => _context.CallRawAsync(" + target + ", " + Names.ReadOnlyMemoryOfByte + ".Empty, options);");
            }

            w.Line();
            w.Line("/// <summary>Sends a one-way call to <c>" + Xml(model.ServiceName) + "/" + Xml(h.Name) + "</c> (optionally delayed); the handle gives its invocation id.</summary>");
            w.Line(Names.GeneratedCode);
            if (h.InputType is { } sendInput)
            {
                w.Line("public " + Names.InvocationHandle + " Send" + h.ClientMethodBase + "(" + sendInput + " request, " + Names.SendOptions + "? options = null)");
                w.Line("    => _context.Send<" + sendInput + ">(" + target + ", request, " + Names.TypeInfo(sendInput, options) + ", options);");
            }
            else
            {
                w.Line("public " + Names.InvocationHandle + " Send" + h.ClientMethodBase + "(" + Names.SendOptions + "? options = null)");
                w.Line("    => _context.SendRaw(" + target + ", " + Names.ReadOnlyMemoryOfByte + ".Empty, options);");
            }
        }

        w.Close();
    }

    private static void EmitIngressClient(SourceWriter w, ServiceModel model, string access, SettingsModel settings)
    {
        var name = model.ClassName.TrimStart('@') + "Client";
        var keyed = Keyed(model);
        w.Line("/// <summary>Calls <c>" + Xml(model.ServiceName) + "</c> from outside Restate, through the Restate ingress.</summary>");
        w.Line(Names.GeneratedCode);
        w.Open(access + " sealed partial class " + name);
        w.Line("/// <summary>The Restate service name.</summary>");
        w.Line("public const string ServiceName = " + Naming.Literal(model.ServiceName) + ";");
        w.Line();
        w.Line("private readonly " + Names.IngressClient + " _client;");
        w.Line("private readonly " + Names.JsonSerializerOptions + " _jsonOptions;");
        if (keyed)
        {
            w.Line("private readonly string _key;");
        }

        w.Line();
        w.Line("/// <summary>A client over <paramref name=\"client\"/>; JSON metadata comes from <paramref name=\"jsonOptions\"/>, by default the assembly's <c>RestateJson.Options</c>.</summary>");
        w.Open("public " + name + "(" + Names.IngressClient + " client" + (keyed ? ", string key" : "") + ", " + Names.JsonSerializerOptions + "? jsonOptions = null)");
        w.Line("_client = client ?? throw new global::System.ArgumentNullException(nameof(client));");
        if (keyed)
        {
            w.Line("_key = key ?? throw new global::System.ArgumentNullException(nameof(key));");
        }

        w.Line("_jsonOptions = jsonOptions ?? global::" + settings.RegistrationNamespace + "." + Names.RestateJsonClass + ".Options;");
        w.Close();
        if (keyed)
        {
            w.Line();
            w.Line("/// <summary>The key of the target " + (model.Kind == ServiceKind.Workflow ? "workflow" : "object") + ".</summary>");
            w.Line("public string Key => _key;");
        }

        const string ct = "global::System.Threading.CancellationToken cancellationToken = default";
        foreach (var h in model.Handlers)
        {
            var target = "new " + Names.CallTarget + "(ServiceName, " + Naming.Literal(h.Name) + (keyed ? ", _key" : "") + ")";
            var body = h.InputType is { } i ? Names.JsonSerde + ".Serialize<" + i + ">(request, " + Names.TypeInfo(i, "_jsonOptions") + ")" : Names.ReadOnlyMemoryOfByte + ".Empty";
            var requestParameter = h.InputType is { } ip ? ip + " request, " : "";
            w.Line();
            w.Line("/// <summary>Calls <c>" + Xml(model.ServiceName) + "/" + Xml(h.Name) + "</c> and waits for its result.</summary>");
            w.Line(Names.GeneratedCode);
            if (h.OutputType is { } output)
            {
                w.Open("public async " + Names.Task + "<" + output + "> " + h.ClientMethodBase + "Async(" + requestParameter + Names.IngressCallOptions + "? options = null, " + ct + ")");
                w.Line("var response = await _client.CallRawAsync(" + target + ", " + body + ", options, cancellationToken).ConfigureAwait(false);");
                w.Line("return " + Names.JsonSerde + ".DeserializeJournaled<" + output + ">(response, " + Names.TypeInfo(output, "_jsonOptions") + ");");
                w.Close();
            }
            else
            {
                w.Line("public " + Names.Task + " " + h.ClientMethodBase + "Async(" + requestParameter + Names.IngressCallOptions + "? options = null, " + ct + ")");
                w.Line("    => _client.CallRawAsync(" + target + ", " + body + ", options, cancellationToken);");
            }

            w.Line();
            w.Line("/// <summary>Sends <c>" + Xml(model.ServiceName) + "/" + Xml(h.Name) + "</c> without waiting for its result.</summary>");
            w.Line(Names.GeneratedCode);
            w.Line("public " + Names.Task + "<" + Names.SendResponse + "> Send" + h.ClientMethodBase + "Async(" + requestParameter + Names.IngressSendOptions + "? options = null, " + ct + ")");
            w.Line("    => _client.SendRawAsync(" + target + ", " + body + ", options, cancellationToken);");
        }

        w.Close();
    }

    internal static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
