using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

internal sealed class AgentTool(string agentService, string name, string description, bool requiresApproval)
    : DurableTool(name, description, Schema, requiresApproval)
{
    private static readonly JsonElement Schema = JsonDocument.Parse(
        "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\",\"description\":\"The task or question for the agent.\"}},\"required\":[\"message\"]}").RootElement.Clone();

    public string AgentService { get; } = agentService;

    internal override ToolInvocation Start(IContext context, string callId, JsonElement arguments, ToolRunSettings settings)
    {
        var message = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("message", out var m)
            ? (m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : m.GetRawText())
            : arguments.GetRawText();
        var target = new CallTarget(AgentService, "run");
        var payload = JsonSerializer.SerializeToUtf8Bytes(AgentRequest.FromMessage(message), AgentJsonContext.Default.AgentRequest);
        var options = new CallOptions { Name = "agent:" + Name + ":" + callId };
        var result = context.CallAsync(target, payload, AgentJsonContext.Default.AgentResponse, options);
        return new ToolInvocation(async () =>
        {
            var response = await result;
            return new ToolOutcome { Result = response.Output ?? JsonSerializer.SerializeToElement(response.Text, AgentJsonContextHelpers.NullableString) };
        });
    }
}
