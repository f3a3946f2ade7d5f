using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

/// <summary>Settings the loop passes to every tool call.</summary>
internal sealed record ToolRunSettings(RetryPolicy? RetryPolicy, ToolErrorBehavior Errors);
