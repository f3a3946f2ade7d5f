using System.ComponentModel;
using DurableAgents.AgentFramework;
using DurableAgents.Agents;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace DurableAgents.TestService;

/// <summary>
/// Microsoft Agent Framework agents run durably in a Virtual Object (the Agent Framework end-to-end tests): a
/// ChatClientAgent with a function tool, its session kept in the object's state.
/// </summary>
[VirtualObject("MafHost")]
public partial class MafHost
{
    private static readonly IChatClient Model = DurableAgentModels.FromEnvironment();

    /// <summary>Runs the weather agent on <paramref name="message"/> in this object's session.</summary>
    [Handler]
    public async Task<string> ChatAsync(IObjectContext context, string message)
    {
        var response = await context.RunAgentAsync(CreateAgent(), message);
        return response.Text;
    }

    /// <summary>Runs a custom (non-chat-client) agent: one journaled step per run.</summary>
    [Handler]
    public async Task<string> EchoAsync(IObjectContext context, string message)
    {
        var response = await context.RunAgentAsync(new CountingEchoAgent(), message);
        return response.Text;
    }

    /// <summary>The agent as an application would build it at startup: a ChatClientAgent over the model, with a function tool.</summary>
    internal static ChatClientAgent CreateAgent() => new(
        Model,
        instructions: "You are a weather assistant. Use maf_weather for the weather.",
        name: "weather",
        description: "Answers weather questions.",
        tools: [AIFunctionFactory.Create(Weather, "maf_weather")]);

    [Description("Gets the weather for a city.")]
    private static string Weather([Description("The city.")] string city)
    {
        SideEffects.Record("maf_weather:" + city);
        return $"Rainy, 12 C in {city}";
    }
}
