using System.ComponentModel;
using DurableAgents;
using DurableAgents.Agents;

namespace MultiAgent;

/// <summary>A specialist: looks facts up. Called by <see cref="Planner"/> through a durable call, so its run is its own invocation.</summary>
[DurableAgent("Researcher")]
[AgentInstructions("You research facts. Use research_topic, then answer in one sentence.")]
[Description("Researches facts about a topic.")]
public partial class Researcher
{
    /// <summary>Looks a topic up in the (offline) encyclopedia.</summary>
    /// <param name="topic">The topic.</param>
    [DurableTool("research_topic")]
    public static string Lookup(string topic) => topic.ToLowerInvariant() switch
    {
        var t when t.Contains("lisbon", StringComparison.Ordinal) => "Lisbon is the capital of Portugal; trams 28 and 12 cross the old town.",
        _ => $"No entry for {topic}.",
    };
}

/// <summary>The coordinator: plans a trip and delegates research to the <see cref="Researcher"/> agent.</summary>
[DurableAgent("Planner")]
[AgentInstructions("You plan trips. Ask the researcher for facts, then write a short plan.")]
public partial class Planner : IConfigureDurableAgent
{
    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
        => options.Tools.Add(Researcher.DurableTools.AsTool("ask_researcher", "Ask the research agent a question; pass the whole question in 'message'."));
}
