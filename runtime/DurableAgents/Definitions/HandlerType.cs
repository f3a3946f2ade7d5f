using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>The kind of a handler of a Virtual Object or Workflow (null for plain services).</summary>
public enum HandlerType
{
    Exclusive,
    Shared,
    Workflow,
}
