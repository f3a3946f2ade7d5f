using System.ComponentModel;
using DurableAgents;
using DurableAgents.AgentFramework;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace ResearchDesk;

/// <summary>
/// A Microsoft Agent Framework <see cref="ChatClientAgent"/> run durably inside a Virtual Object handler, one object per
/// draft: each model response (<c>llm:{n}</c>) and each tool call (<c>tool:count_words:{callId}</c>) is a journaled
/// step, and the agent's session (its conversation) is kept in the object's state, so the next review of the same draft
/// remembers the earlier ones.
/// </summary>
[VirtualObject("Editor")]
public partial class Editor(IChatClient model)
{
    /// <summary>Reviews a draft (the key names the draft).</summary>
    [Handler]
    public async Task<string> ReviewAsync(IObjectContext ctx, string request)
    {
        var agent = new ChatClientAgent(model,
            instructions: "You are an editor. Use count_words when asked about a text's length; answer in one sentence.",
            name: "editor",
            tools: [AIFunctionFactory.Create(CountWords, "count_words")]);
        var response = await ctx.RunAgentAsync(agent, request); // session loaded from and stored in state
        return response.Text;
    }

    /// <summary>Counts the words of a text (runs once per call: a journaled step).</summary>
    [Description("Counts the words of a text.")]
    private static int CountWords([Description("The text.")] string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        Console.WriteLine($"[service] tool count_words ran: {words} word(s)");
        return words;
    }
}
