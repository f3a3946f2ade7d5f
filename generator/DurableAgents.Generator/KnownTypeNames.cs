namespace DurableAgents.Generator;

/// <summary>Metadata names of the runtime types the generator looks for (a test checks them against the runtime).</summary>
internal static class KnownTypeNames
{
    public const string ServiceAttribute = "DurableAgents.ServiceAttribute";
    public const string VirtualObjectAttribute = "DurableAgents.VirtualObjectAttribute";
    public const string WorkflowAttribute = "DurableAgents.WorkflowAttribute";
    public const string HandlerAttribute = "DurableAgents.HandlerAttribute";
    public const string SharedHandlerAttribute = "DurableAgents.SharedHandlerAttribute";
    public const string DurableAgentAttribute = "DurableAgents.DurableAgentAttribute";
    public const string DurableToolAttribute = "DurableAgents.DurableToolAttribute";
    public const string McpServerAttribute = "DurableAgents.McpServerAttribute";
    public const string AgentInstructionsAttribute = "DurableAgents.Agents.AgentInstructionsAttribute";
    public const string IConfigureDurableAgent = "DurableAgents.Agents.IConfigureDurableAgent";
    public const string DescriptionAttribute = "System.ComponentModel.DescriptionAttribute";

    public const string IContext = "DurableAgents.IContext";
    public const string ISharedObjectContext = "DurableAgents.ISharedObjectContext";
    public const string IObjectContext = "DurableAgents.IObjectContext";
    public const string ISharedWorkflowContext = "DurableAgents.ISharedWorkflowContext";
    public const string IWorkflowContext = "DurableAgents.IWorkflowContext";

    public const string IngressClient = "DurableAgents.Clients.IngressClient";
    public const string IngressCallOptions = "DurableAgents.Clients.IngressCallOptions";
    public const string IngressSendOptions = "DurableAgents.Clients.IngressSendOptions";
    public const string SendResponse = "DurableAgents.Clients.SendResponse";
    public const string DurableAgentProxy = "DurableAgents.AgentFramework.DurableAgentProxy";
    public const string AIAgent = "Microsoft.Agents.AI.AIAgent";

    public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    public const string JsonSerializerContext = "System.Text.Json.Serialization.JsonSerializerContext";
}
