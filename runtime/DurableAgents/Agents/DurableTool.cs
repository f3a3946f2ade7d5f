using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>
/// A tool the agent loop runs durably: a journaled step (generated <c>[DurableTool]</c> wrappers and wrapped
/// <see cref="AIFunction"/>s) or a durable call to another agent. The model sees <see cref="Declaration"/>.
/// </summary>
public abstract class DurableTool
{
    private protected DurableTool(string name, string description, JsonElement jsonSchema, bool requiresApproval)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Description = description ?? "";
        JsonSchema = jsonSchema;
        RequiresApproval = requiresApproval;
        Declaration = new ToolDeclaration(Name, Description, JsonSchema);
    }

    /// <summary>The tool name shown to the model.</summary>
    public string Name { get; }

    /// <summary>The tool description shown to the model.</summary>
    public string Description { get; }

    /// <summary>The JSON Schema of the arguments object.</summary>
    public JsonElement JsonSchema { get; }

    /// <summary>Whether each call waits for a human approval first.</summary>
    public bool RequiresApproval { get; }

    /// <summary>The declaration passed to the model in <see cref="ChatOptions.Tools"/>.</summary>
    public AIFunctionDeclaration Declaration { get; }

    /// <summary>Starts the call <paramref name="callId"/> (creates its journal entry now; await the result later).</summary>
    internal abstract ToolInvocation Start(IContext context, string callId, JsonElement arguments, ToolRunSettings settings);

    /// <summary>
    /// A tool whose body runs as one journaled step <c>tool:{name}:{callId}</c>. <paramref name="bind"/> turns the model's
    /// arguments into the body (throw <see cref="TerminalException"/> 400 for invalid arguments: the model is told).
    /// Used by the generated <c>[DurableTool]</c> wrappers.
    /// </summary>
    public static DurableTool FromStep(string name, string description, string jsonSchema, bool requiresApproval,
        [RunsInDurableStep(ReturnedDelegate = true)] Func<IContext, JsonElement, Func<CancellationToken, Task<JsonElement>>> bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        return new StepTool(name, description, ParseSchema(jsonSchema), requiresApproval, bind);
    }

    /// <summary>
    /// Wraps an <see cref="AIFunction"/>: each call runs as a journaled step. An <see cref="ApprovalRequiredAIFunction"/>
    /// (or <paramref name="requiresApproval"/>) waits for a human approval first.
    /// </summary>
    public static DurableTool FromFunction([RunsInDurableStep] AIFunction function, bool requiresApproval = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        var approval = requiresApproval || function.GetService(typeof(ApprovalRequiredAIFunction)) is not null;
        return new StepTool(function.Name, function.Description, function.JsonSchema, approval, (context, arguments) =>
        {
            var args = new AIFunctionArguments();
            if (arguments.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in arguments.EnumerateObject())
                {
                    args[p.Name] = p.Value.Clone();
                }
            }

            return async ct =>
            {
                var result = await function.InvokeAsync(args, ct).ConfigureAwait(false);
                return ToElement(result, function.JsonSerializerOptions);
            };
        });
    }

    /// <summary>
    /// Another agent as a tool: each call is a durable call to <c>{agentService}/run</c>, so the sub-agent's run is its own
    /// journaled invocation (exactly once, resumable); cancelling the caller cancels it. The model passes
    /// <c>{"message": "..."}</c> and gets the sub-agent's answer.
    /// </summary>
    public static DurableTool FromAgent(string agentService, string? toolName = null, string? description = null, bool requiresApproval = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentService);
        return new AgentTool(agentService, toolName ?? ToolNameOf(agentService), description ?? $"Ask the {agentService} agent. Pass the full task in 'message'.", requiresApproval);
    }

    internal static string ToolNameOf(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && sb.Length > 0 && sb[^1] != '_')
            {
                sb.Append('_');
            }

            sb.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return sb.ToString();
    }

    private static JsonElement ParseSchema(string jsonSchema)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(jsonSchema) ? "{\"type\":\"object\",\"properties\":{}}" : jsonSchema);
        return doc.RootElement.Clone();
    }

    internal static JsonElement ToElement(object? value, JsonSerializerOptions? options)
    {
        switch (value)
        {
            case null:
                return JsonSerializer.SerializeToElement((string?)null, AgentJsonContextHelpers.NullableString);
            case JsonElement e:
                return e.Clone();
            case string s:
                return JsonSerializer.SerializeToElement(s, AgentJsonContextHelpers.NullableString);
        }

        var chain = options ?? AIJsonUtilities.DefaultOptions;
        if (chain.TryGetTypeInfo(value.GetType(), out var info))
        {
            return JsonSerializer.SerializeToElement(value, info);
        }

        return JsonSerializer.SerializeToElement(value.ToString(), AgentJsonContextHelpers.NullableString);
    }

    private sealed class ToolDeclaration(string name, string description, JsonElement schema) : AIFunctionDeclaration
    {
        public override string Name => name;

        public override string Description => description;

        public override JsonElement JsonSchema => schema;
    }
}
