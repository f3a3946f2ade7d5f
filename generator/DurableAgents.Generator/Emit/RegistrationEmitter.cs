using DurableAgents.Generator.Model;

namespace DurableAgents.Generator.Emit;

/// <summary>
/// Emits the assembly-level file: <c>RestateJson</c> (the assembly's JsonSerializerContexts as one resolver, and the
/// options used by ingress clients) in the project's root namespace, and <c>services.AddRestateServices()</c>, which binds
/// every class in ordinal order, in <c>Microsoft.Extensions.DependencyInjection</c>.
/// </summary>
internal static class RegistrationEmitter
{
    public const string HintName = "DurableAgents.Registration.g.cs";

    public static string Emit(RegistrationModel model)
    {
        var w = new SourceWriter().Header();
        w.Open("namespace " + model.Namespace);

        w.Line("/// <summary>");
        w.Line("/// JSON metadata for the Restate handlers of this assembly: every <c>JsonSerializerContext</c> declared in it");
        w.Line("/// (System.Text.Json source generation), combined. Declare <c>[JsonSerializable(typeof(T))]</c> for each handler input");
        w.Line("/// and output type there; see docs/generator.md.");
        w.Line("/// </summary>");
        w.Line(Names.GeneratedCode);
        w.Open("internal static class " + Names.RestateJsonClass);
        w.Line("/// <summary>The assembly's JsonSerializerContexts (ordinal by name); each service definition carries it.</summary>");
        var contexts = new System.Collections.Generic.List<string>();
        foreach (var c in model.JsonContexts)
        {
            contexts.Add(c + ".Default");
        }

        if (model.HasAgents)
        {
            // The agent runtime's types (AgentRequest, AgentResponse, approvals) and Microsoft.Extensions.AI's (chat messages).
            contexts.Add("global::DurableAgents.Agents.AgentJson.Resolver");
        }

        w.Line("public static " + Names.IJsonTypeInfoResolver + " Resolver { get; } = " + Names.JsonTypeInfoResolver + ".Combine(" + string.Join(", ", contexts) + ");");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Options for ingress clients, built like the endpoint's: web defaults, <see cref=\"Resolver\"/>, the runtime's");
        w.Line("/// built-in metadata, then reflection only when the application allows it (never under Native AOT).");
        w.Line("/// </summary>");
        w.Line("public static " + Names.JsonSerializerOptions + " Options { get; } = CreateOptions();");
        w.Line();
        w.Open("private static " + Names.JsonSerializerOptions + " CreateOptions()");
        w.Line("var resolvers = new global::System.Collections.Generic.List<" + Names.IJsonTypeInfoResolver + "> { Resolver, " + Names.BuiltInJsonContext + ".Default };");
        w.Open("if (" + Names.JsonSerializer + ".IsReflectionEnabledByDefault)");
        w.Line("#pragma warning disable IL2026, IL3050 // guarded by the reflection feature switch");
        w.Line("resolvers.Add(new global::System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());");
        w.Line("#pragma warning restore IL2026, IL3050");
        w.Close();
        w.Line();
        w.Line("var options = new " + Names.JsonSerializerOptions + "(global::System.Text.Json.JsonSerializerDefaults.Web)");
        w.Line("{");
        w.Line("    TypeInfoResolver = " + Names.JsonTypeInfoResolver + ".Combine(resolvers.ToArray()),");
        w.Line("};");
        w.Line("options.MakeReadOnly();");
        w.Line("return options;");
        w.Close();
        w.Close();
        w.Close();

        // The extension lives where IServiceCollection does, so a top-level Program.cs finds it without a using; the
        // class is internal and named after the assembly, so two generated assemblies never clash.
        w.Line();
        w.Open("namespace " + Names.DependencyInjectionNamespace);
        w.Line("/// <summary>Registers every Restate service, Virtual Object and Workflow of this assembly.</summary>");
        w.Line(Names.GeneratedCode);
        w.Open("internal static class " + model.ExtensionsClass);
        w.Line("/// <summary>");
        w.Line("/// Binds the generated definitions of this assembly to the Restate endpoint (ordinal by class name) and registers");
        w.Line("/// the classes with instance handlers as transient services; then <c>app.MapRestate()</c> serves them.");
        w.Line("/// </summary>");
        w.Open("public static " + Names.IServiceCollection + " AddRestateServices(this " + Names.IServiceCollection + " services)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(services);");
        foreach (var s in model.Services)
        {
            if (s.NeedsInstance)
            {
                w.Line(Names.TryAddTransient + "<" + s.FullyQualifiedName + ">(services);");
            }
        }

        w.Line(Names.AddRestate + "(services, static options =>");
        w.Line("{");
        foreach (var s in model.Services)
        {
            w.Line("    options.Bind(" + s.FullyQualifiedName + ".Definition);");
        }

        if (model.HasServiceAgents)
        {
            // Where the non-session agents' runs record their pending approvals (bound once per endpoint: the same object).
            w.Line("    options.Bind(global::DurableAgents.Agents.AgentApprovals.Definition);");
        }

        w.Line("});");
        w.Line("return services;");
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }
}
