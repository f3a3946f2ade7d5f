using DurableAgents.Agents;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// The chaos agent: the counting fake model makes it call <c>lookup</c> once per turn for the first turns, then answer.
/// Every tool execution logs <c>start</c> and <c>end</c> to the effect log.
/// </summary>
[DurableAgent("ChaosAgent", MaxTurns = 8)]
[AgentInstructions("You are the chaos agent. Use lookup whenever asked to look something up.")]
public partial class ChaosAgent
{
    /// <summary>Looks up a fact for a run and turn.</summary>
    /// <param name="run">The run id.</param>
    /// <param name="turn">The turn that asked.</param>
    [DurableTool]
    public static async Task<string> LookupAsync(string run, int turn)
    {
        EffectLog.Write("tool", run, turn, "start");
        await Task.Delay(EffectLog.Setting("DA_CHAOS_TOOL_MS", 100));
        EffectLog.Write("tool", run, turn, "end");
        return $"fact {turn} for {run}";
    }
}
