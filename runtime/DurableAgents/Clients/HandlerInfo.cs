using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

/// <summary>A handler as registered in Restate.</summary>
/// <param name="Name">The handler name.</param>
/// <param name="Type">Exclusive/Shared/Workflow for Virtual Objects and Workflows; null for plain services.</param>
/// <param name="Public">Whether the handler can be called through the ingress.</param>
public sealed record HandlerInfo(string Name, HandlerType? Type, bool Public);
