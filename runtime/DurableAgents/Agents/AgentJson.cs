using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>
/// JSON metadata of the agent runtime: its own types and Microsoft.Extensions.AI's (<c>ChatMessage</c>,
/// <c>ChatResponse</c>, contents), all source-generated. The generator adds <see cref="Resolver"/> to the assembly's
/// <c>RestateJson.Resolver</c> when the assembly has agents.
/// </summary>
public static class AgentJson
{
    /// <summary>Agent types first, then Microsoft.Extensions.AI's metadata.</summary>
    public static IJsonTypeInfoResolver Resolver { get; } = JsonTypeInfoResolver.Combine(AgentJsonContext.Default, AIJsonUtilities.DefaultOptions.TypeInfoResolver!);

    /// <summary>Options for journaled chat values: Microsoft.Extensions.AI's metadata, compact (not indented).</summary>
    internal static JsonSerializerOptions ChatOptions { get; } = CreateChatOptions();

    internal static JsonTypeInfo<ChatResponse> ChatResponse { get; } = (JsonTypeInfo<ChatResponse>)ChatOptions.GetTypeInfo(typeof(ChatResponse));

    internal static JsonTypeInfo<IList<ChatMessage>> Messages { get; } = (JsonTypeInfo<IList<ChatMessage>>)ChatOptions.GetTypeInfo(typeof(IList<ChatMessage>));

    internal static JsonTypeInfo<UsageDetails> Usage { get; } = (JsonTypeInfo<UsageDetails>)ChatOptions.GetTypeInfo(typeof(UsageDetails));

    internal static JsonTypeInfo<ToolOutcome> ToolOutcome => AgentJsonContext.Default.ToolOutcome;

    internal static JsonTypeInfo<List<PendingApproval>> Approvals => AgentJsonContext.Default.ListPendingApproval;

    internal static JsonTypeInfo<ApprovalDecision> Decision => AgentJsonContext.Default.ApprovalDecision;

    private static JsonSerializerOptions CreateChatOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
        options.MakeReadOnly();
        return options;
    }
}
