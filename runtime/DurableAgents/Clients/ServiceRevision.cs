using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

/// <summary>A service name and revision, as listed by <c>GET /deployments</c>.</summary>
/// <param name="Name">The service name.</param>
/// <param name="Revision">The revision served by the deployment.</param>
public sealed record ServiceRevision(string Name, int Revision);
