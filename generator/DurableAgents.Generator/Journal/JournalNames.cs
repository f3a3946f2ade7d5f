namespace DurableAgents.Generator.Journal;

/// <summary>Runtime type and member names the journal manifest recognises (compared by name: no runtime reference).</summary>
internal static class JournalNames
{
    public const string Namespace = "DurableAgents";
    public const string IContext = "IContext";
    public const string DurablePromise = "DurablePromise";
    public const string DurableFuture = "DurableFuture";
    public const string Awakeable = "Awakeable";
    public const string StateValue = "StateValue";
    public const string CallTarget = "CallTarget";
    public const string ServiceAttribute = "DurableAgents.ServiceAttribute";
    public const string VirtualObjectAttribute = "DurableAgents.VirtualObjectAttribute";
    public const string WorkflowAttribute = "DurableAgents.WorkflowAttribute";
    public const string DurableAgentAttribute = "DurableAgents.DurableAgentAttribute";
    public const string McpServerAttribute = "DurableAgents.McpServerAttribute";
    public const string HandlerAttribute = "DurableAgents.HandlerAttribute";
    public const string SharedHandlerAttribute = "DurableAgents.SharedHandlerAttribute";
    public const string DurableToolAttribute = "DurableAgents.DurableToolAttribute";

    /// <summary>The version gate (<c>bool IContext.IsPatched(string patchId)</c>).</summary>
    public const string IsPatched = "IsPatched";

    /// <summary>The suffix of the generated in-handler clients (<c>GreeterContextClient</c>).</summary>
    public const string ContextClientSuffix = "ContextClient";

    /// <summary>The lock file's name (an AdditionalFile of the project).</summary>
    public const string LockFileName = "DurableAgents.journal.lock";

    /// <summary>The MSBuild property (as the analyzers see it) that switches the lock to update or off.</summary>
    public const string ModeProperty = "build_property.DurableAgentsJournalLock";
}
