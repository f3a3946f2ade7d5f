using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

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
