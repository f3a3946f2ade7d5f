namespace DurableAgents.Analyzers;

/// <summary>
/// Metadata names of the runtime types the rules refer to. The analyzers never reference the runtime assembly; these
/// strings are resolved once per compilation (<see cref="KnownSymbols"/>). A test asserts each equals
/// <c>typeof(T).FullName</c> of the real runtime type, so they cannot drift.
/// </summary>
public static class KnownTypeNames
{
    // Attributes
    public const string ServiceAttribute = "DurableAgents.ServiceAttribute";
    public const string VirtualObjectAttribute = "DurableAgents.VirtualObjectAttribute";
    public const string WorkflowAttribute = "DurableAgents.WorkflowAttribute";
    public const string DurableAgentAttribute = "DurableAgents.DurableAgentAttribute";
    public const string HandlerAttribute = "DurableAgents.HandlerAttribute";
    public const string SharedHandlerAttribute = "DurableAgents.SharedHandlerAttribute";
    public const string DurableToolAttribute = "DurableAgents.DurableToolAttribute";
    public const string DeterministicAttribute = "DurableAgents.DeterministicAttribute";
    public const string IConfigureDurableAgent = "DurableAgents.Agents.IConfigureDurableAgent";
    public const string RunsInDurableStepAttribute = "DurableAgents.RunsInDurableStepAttribute";
    public const string AgentInstructionsAttribute = "DurableAgents.Agents.AgentInstructionsAttribute";
    public const string McpServerAttribute = "DurableAgents.McpServerAttribute";

    // Contexts
    public const string IContext = "DurableAgents.IContext";
    public const string ISharedObjectContext = "DurableAgents.ISharedObjectContext";
    public const string IObjectContext = "DurableAgents.IObjectContext";
    public const string ISharedWorkflowContext = "DurableAgents.ISharedWorkflowContext";
    public const string IWorkflowContext = "DurableAgents.IWorkflowContext";

    // Durable values
    public const string DurableFuture = "DurableAgents.DurableFuture";
    public const string DurableFutureOfT = "DurableAgents.DurableFuture`1";
    public const string DurableAwaiter = "DurableAgents.DurableAwaiter";
    public const string DurableAwaiterOfT = "DurableAgents.DurableAwaiter`1";
    public const string Awakeable = "DurableAgents.Awakeable`1";
    public const string DurablePromise = "DurableAgents.DurablePromise`1";
    public const string DurableRandom = "DurableAgents.DurableRandom";

    // Exceptions
    public const string TerminalException = "DurableAgents.TerminalException";
    public const string CancelledException = "DurableAgents.CancelledException";
    public const string InvocationClosedException = "DurableAgents.InvocationClosedException";

    // JSON metadata the runtime always puts in the resolver chain (DA1009)
    public const string BuiltInJsonContext = "DurableAgents.Serialization.BuiltInJsonContext";
    public const string AgentJsonContext = "DurableAgents.AgentJsonContext";

    // Microsoft.Extensions.AI (optional; the LLM rule is off when these are absent)
    public const string IChatClient = "Microsoft.Extensions.AI.IChatClient";
    public const string ChatClientExtensions = "Microsoft.Extensions.AI.ChatClientExtensions";
    public const string AIFunction = "Microsoft.Extensions.AI.AIFunction";
    public const string AIJsonUtilities = "Microsoft.Extensions.AI.AIJsonUtilities";

    // Microsoft Agent Framework (optional; DA2014 is off when absent)
    public const string AIAgent = "Microsoft.Agents.AI.AIAgent";

    // System.ComponentModel (DA1010)
    public const string DescriptionAttribute = "System.ComponentModel.DescriptionAttribute";

    // System.Text.Json (DA1009)
    public const string JsonSerializerContext = "System.Text.Json.Serialization.JsonSerializerContext";
    public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    public const string JsonDerivedTypeAttribute = "System.Text.Json.Serialization.JsonDerivedTypeAttribute";
    public const string JsonConverterAttribute = "System.Text.Json.Serialization.JsonConverterAttribute";
    public const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    public const string JsonIncludeAttribute = "System.Text.Json.Serialization.JsonIncludeAttribute";
    public const string JsonConstructorAttribute = "System.Text.Json.Serialization.JsonConstructorAttribute";
}
