using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>The kind of a Restate service.</summary>
public enum ServiceType
{
    Service,
    VirtualObject,
    Workflow,
}
