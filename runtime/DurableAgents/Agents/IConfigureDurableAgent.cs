using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>Implement on a <c>[DurableAgent]</c> class to adjust its options per run (instructions, model, tools, retries).</summary>
public interface IConfigureDurableAgent
{
    /// <summary>Adjusts <paramref name="options"/>. Runs on every attempt: keep it deterministic.</summary>
    void Configure(DurableAgentOptions options);
}
