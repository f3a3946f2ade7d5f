namespace DurableAgents.Generator;

/// <summary>Names of the tracked pipeline steps (the incremental tests discover them by reflection).</summary>
public static class TrackingNames
{
    public const string Services = "DurableAgents.Services";
    public const string VirtualObjects = "DurableAgents.VirtualObjects";
    public const string Workflows = "DurableAgents.Workflows";
    public const string ServiceModels = "DurableAgents.ServiceModels";
    public const string Settings = "DurableAgents.Settings";
    public const string ServiceOutputs = "DurableAgents.ServiceOutputs";
    public const string JsonContexts = "DurableAgents.JsonContexts";
    public const string Registration = "DurableAgents.Registration";
    public const string Agents = "DurableAgents.Agents";
    public const string AgentModels = "DurableAgents.AgentModels";
    public const string JournalManifests = "DurableAgents.JournalManifests";
    public const string JournalLockMode = "DurableAgents.JournalLockMode";
    public const string JournalLock = "DurableAgents.JournalLock";
}
