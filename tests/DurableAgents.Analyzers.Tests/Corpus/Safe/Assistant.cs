using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Corpus.Assistant;

public sealed record Summary(string Title, IReadOnlyList<string> KeyPoints);

public sealed record Question(string Text, string? Context);

/// <summary>
/// Model calls written by hand: through the durable chat client (each response is a journaled step) and the
/// hand-written agent loop, with the model injected from DI.
/// </summary>
[Service("Assistant")]
public sealed partial class AssistantService(IChatClient model, ILogger<AssistantService> logger)
{
    private const string SystemPrompt = "You are a concise assistant. Answer in at most three sentences.";

    [Handler]
    public async Task<string> AskAsync(IContext ctx, Question question)
    {
        var chat = model.AsDurable(ctx);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, SystemPrompt),
            new(ChatRole.User, question.Context is null ? question.Text : $"{question.Text}\n\nContext:\n{question.Context}"),
        ];
        var response = await chat.GetResponseAsync(messages, cancellationToken: ctx.CancellationToken);
        logger.LogInformation("Answered with {Tokens} output tokens", response.Usage?.OutputTokenCount);
        return response.Text;
    }

    [Handler]
    public async Task<Summary> SummarizeAsync(IContext ctx, string document)
    {
        var options = new DurableAgentOptions
        {
            Instructions = "Summarize the document: a title and up to five key points.",
            ChatClient = model,
            MaxTurns = 2,
        };
        return await DurableAgentRunner.RunAsync(ctx, document, AssistantJson.Default.Summary, options, "summarizer");
    }

    [Handler]
    public async Task<AgentResponse> ResearchWithToolsAsync(IContext ctx, string topic)
    {
        var options = new DurableAgentOptions
        {
            Instructions = "Research the topic with the tools, then answer.",
            ChatClient = model,
        };
        options.Tools.Add(DurableTool.FromFunction(AIFunctionFactory.Create(
            (string word) => word.Length,
            "count_letters",
            "Counts the letters of a word.")));
        options.Tools.Add(DurableTool.FromAgent("Researcher", "ask_researcher", "Ask the research agent."));
        return await DurableAgentRunner.RunAsync(ctx, "Research: " + topic, options, "topic-researcher");
    }
}

[JsonSerializable(typeof(Summary))]
[JsonSerializable(typeof(Question))]
internal sealed partial class AssistantJson : JsonSerializerContext;
