using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

/// <summary>A handler as registered in Restate.</summary>
/// <param name="Name">The handler name.</param>
/// <param name="Type">Exclusive/Shared/Workflow for Virtual Objects and Workflows; null for plain services.</param>
/// <param name="Public">Whether the handler can be called through the ingress.</param>
public sealed record HandlerInfo(string Name, HandlerType? Type, bool Public);

/// <summary>A service as registered in Restate (<c>GET /services/{name}</c>, or an entry of a deployment).</summary>
/// <param name="Name">The service name.</param>
/// <param name="Type">Service, Virtual Object or Workflow.</param>
/// <param name="Handlers">The handlers.</param>
/// <param name="DeploymentId">The deployment serving the latest revision (<c>dp_…</c>).</param>
/// <param name="Revision">The revision (incremented by every registration that changes the service).</param>
/// <param name="Public">Whether the service can be called through the ingress.</param>
public sealed record ServiceInfo(string Name, ServiceType Type, IReadOnlyList<HandlerInfo> Handlers, string? DeploymentId, int Revision, bool Public)
{
    /// <summary>The names of <see cref="Handlers"/>.</summary>
    public IReadOnlyList<string> HandlerNames => Handlers.Select(h => h.Name).ToArray();

    /// <summary>Restate's full JSON description (timeouts, retention, retry policy, schemas…).</summary>
    public required JsonObject Raw { get; init; }
}

/// <summary>A deployment with the full description of its services (registration answer, <c>GET /deployments/{id}</c>).</summary>
/// <param name="Id">The deployment id (<c>dp_…</c>).</param>
/// <param name="Uri">The endpoint URI (null for answers that do not carry it, e.g. a registration, or Lambda deployments).</param>
/// <param name="Services">The services the deployment serves.</param>
public sealed record DeploymentInfo(string Id, Uri? Uri, IReadOnlyList<ServiceInfo> Services)
{
    /// <summary>Restate's full JSON answer (protocol versions, SDK version, …).</summary>
    public required JsonObject Raw { get; init; }
}

/// <summary>A service name and revision, as listed by <c>GET /deployments</c>.</summary>
/// <param name="Name">The service name.</param>
/// <param name="Revision">The revision served by the deployment.</param>
public sealed record ServiceRevision(string Name, int Revision);

/// <summary>An entry of <c>GET /deployments</c>.</summary>
/// <param name="Id">The deployment id (<c>dp_…</c>).</param>
/// <param name="Uri">The endpoint URI (null for Lambda deployments).</param>
/// <param name="Services">The services (names and revisions) the deployment serves.</param>
public sealed record DeploymentSummary(string Id, Uri? Uri, IReadOnlyList<ServiceRevision> Services)
{
    /// <summary>Restate's full JSON description of the deployment.</summary>
    public required JsonObject Raw { get; init; }
}
