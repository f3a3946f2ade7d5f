using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

/// <summary>A deployment with the full description of its services (registration answer, <c>GET /deployments/{id}</c>).</summary>
/// <param name="Id">The deployment id (<c>dp_…</c>).</param>
/// <param name="Uri">The endpoint URI (null for answers that do not carry it, e.g. a registration, or Lambda deployments).</param>
/// <param name="Services">The services the deployment serves.</param>
public sealed record DeploymentInfo(string Id, Uri? Uri, IReadOnlyList<ServiceInfo> Services)
{
    /// <summary>Restate's full JSON answer (protocol versions, SDK version, …).</summary>
    public required JsonObject Raw { get; init; }
}
