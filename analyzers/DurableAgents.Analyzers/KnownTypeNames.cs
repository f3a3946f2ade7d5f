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

    // Microsoft.Extensions.AI (optional; the LLM rule is off when these are absent)
    public const string IChatClient = "Microsoft.Extensions.AI.IChatClient";
    public const string ChatClientExtensions = "Microsoft.Extensions.AI.ChatClientExtensions";
    public const string AIFunction = "Microsoft.Extensions.AI.AIFunction";
}
