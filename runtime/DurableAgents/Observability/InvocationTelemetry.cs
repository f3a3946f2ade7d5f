using System.Diagnostics;

namespace DurableAgents.Observability;

/// <summary>
/// What one invocation attempt's telemetry needs from start to end: its span (null when nobody listens), its service and
/// handler names (metric attributes) and its start time (the duration histogram). A struct: no allocation per attempt.
/// </summary>
internal readonly struct InvocationTelemetry : IDisposable
{
    internal InvocationTelemetry(Activity? activity, string service, string handler)
    {
        Activity = activity;
        Service = service;
        Handler = handler;
        StartedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The attempt span <c>invoke {service}/{handler}</c>, or null.</summary>
    public Activity? Activity { get; }

    public string Service { get; }

    public string Handler { get; }

    public long StartedAt { get; }

    public void Dispose() => Activity?.Dispose();
}
