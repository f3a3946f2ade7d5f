using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

/// <summary>An entry of <c>GET /deployments</c>.</summary>
/// <param name="Id">The deployment id (<c>dp_…</c>).</param>
/// <param name="Uri">The endpoint URI (null for Lambda deployments).</param>
/// <param name="Services">The services (names and revisions) the deployment serves.</param>
public sealed record DeploymentSummary(string Id, Uri? Uri, IReadOnlyList<ServiceRevision> Services)
{
    /// <summary>Restate's full JSON description of the deployment.</summary>
    public required JsonObject Raw { get; init; }
}
