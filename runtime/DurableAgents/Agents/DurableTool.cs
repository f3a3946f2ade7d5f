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

/// <summary>Settings the loop passes to every tool call.</summary>
internal sealed record ToolRunSettings(RetryPolicy? RetryPolicy, ToolErrorBehavior Errors);

/// <summary>A started tool call and its outcome. (A cancelled agent's calls to sub-agents are cancelled by the runtime.)</summary>
internal sealed record ToolInvocation(Func<Task<ToolOutcome>> Outcome)
{
    public static ToolInvocation Of(DurableFuture<ToolOutcome> future) => new(async () => await future);
}

internal static class AgentJsonContextHelpers
{
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<string?> NullableString { get; } =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<string?>)Serialization.BuiltInJsonContext.Default.GetTypeInfo(typeof(string))!;
}

internal sealed class StepTool(string name, string description, JsonElement schema, bool requiresApproval,
    Func<IContext, JsonElement, Func<CancellationToken, Task<JsonElement>>> bind) : DurableTool(name, description, schema, requiresApproval)
{
    internal override ToolInvocation Start(IContext context, string callId, JsonElement arguments, ToolRunSettings settings)
    {
        Func<CancellationToken, Task<JsonElement>> body;
        try
        {
            body = bind(context, arguments);
        }
        catch (TerminalException e)
        {
            // Invalid arguments: deterministic (the arguments are journaled with the model response), so no step is needed.
            var outcome = new ToolOutcome { Error = e.Message };
            return new ToolInvocation(() => Task.FromResult(outcome));
        }

        var retry = settings.RetryPolicy;
        var future = context.RunAsync("tool:" + Name + ":" + callId, async ct =>
        {
            // Runs only when the call is not journaled yet: a replayed tool call is neither traced nor counted again.
            using var telemetry = DurableAgentsTelemetry.StartToolCall(Name, callId);
            try
            {
                var outcome = new ToolOutcome { Result = await body(ct).ConfigureAwait(false) };
                telemetry.Ended("result");
                return outcome;
            }
            catch (CancelledException e)
            {
                telemetry.Ended("terminal_failure", e.Message);
                throw;
            }
            catch (TerminalException e)
            {
                // Journaled as a value, so a terminal failure of the tool is told apart from exhausted retries.
                telemetry.Ended("terminal_failure", e.Message);
                return new ToolOutcome { TerminalCode = e.Code, TerminalMessage = e.Message };
            }
            catch (Exception e) when (retry is null && e is not OperationCanceledException && e is not InvocationClosedException)
            {
                var failRun = settings.Errors == ToolErrorBehavior.FailRun;
                telemetry.Ended(failRun ? "terminal_failure" : "error", $"{e.GetType().Name}: {e.Message}");
                return failRun
                    ? new ToolOutcome { TerminalCode = 500, TerminalMessage = $"Tool '{Name}' failed: {e.Message}" }
                    : new ToolOutcome { Error = $"{e.GetType().Name}: {e.Message}" };
            }
            catch (Exception e) when (e is not InvocationClosedException)
            {
                telemetry.Ended("retryable_failure", $"{e.GetType().Name}: {e.Message}");
                throw;
            }
        }, AgentJson.ToolOutcome, new RunOptions { RetryPolicy = retry });
        return ToolInvocation.Of(future);
    }
}

internal sealed class AgentTool(string agentService, string name, string description, bool requiresApproval)
    : DurableTool(name, description, Schema, requiresApproval)
{
    private static readonly JsonElement Schema = JsonDocument.Parse(
        "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\",\"description\":\"The task or question for the agent.\"}},\"required\":[\"message\"]}").RootElement.Clone();

    public string AgentService { get; } = agentService;

    internal override ToolInvocation Start(IContext context, string callId, JsonElement arguments, ToolRunSettings settings)
    {
        var message = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("message", out var m)
            ? (m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : m.GetRawText())
            : arguments.GetRawText();
        var target = new CallTarget(AgentService, "run");
        var payload = JsonSerializer.SerializeToUtf8Bytes(AgentRequest.FromMessage(message), AgentJsonContext.Default.AgentRequest);
        var options = new CallOptions { Name = "agent:" + Name + ":" + callId };
        var result = context.CallAsync(target, payload, AgentJsonContext.Default.AgentResponse, options);
        return new ToolInvocation(async () =>
        {
            var response = await result;
            return new ToolOutcome { Result = response.Output ?? JsonSerializer.SerializeToElement(response.Text, AgentJsonContextHelpers.NullableString) };
        });
    }
}
