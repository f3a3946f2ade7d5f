using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>The system instructions of a <c>[DurableAgent]</c> class.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AgentInstructionsAttribute(string instructions) : Attribute
{
    /// <summary>The instructions.</summary>
    public string Instructions { get; } = instructions;
}
