using DurableAgents.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Streaming;

/// <summary>
/// Registration of run event streaming: <c>services.AddDurableAgentStreams()</c> binds the event store and makes every
/// agent run of this service publish its events; <c>app.MapDurableAgentStreams()</c> serves them as Server-Sent Events.
/// </summary>
public static class DurableAgentStreamExtensions
{
    /// <summary>
    /// Binds <see cref="RunEventStore"/> (register the deployment again so Restate sees it) and turns on event publishing
    /// for the agents of this service. Every replica of a service must make the same choice: publishing adds journal
    /// entries to a run.
    /// </summary>
    public static IServiceCollection AddDurableAgentStreams(this IServiceCollection services, Action<DurableAgentStreamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new DurableAgentStreamOptions();
        configure?.Invoke(options);
        if (options.MaxOpenStreams < 1 || options.MinPollInterval <= TimeSpan.Zero || options.MaxPollInterval < options.MinPollInterval
            || options.Retention <= TimeSpan.Zero || options.MaxStreamDuration <= TimeSpan.Zero || options.HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Stream options need MaxOpenStreams >= 1, positive intervals and durations, and MaxPollInterval >= MinPollInterval.", nameof(configure));
        }

        RunEventStore.Limits = options.Limits;
        RunEventStore.Retention = options.Retention;
        services.AddRestate(o => o.Bind(RunEventStore.Definition));
        services.AddSingleton(sp => new RunStreamRuntime(options, sp.GetService<ILoggerFactory>()));
        return services;
    }

    /// <summary>
    /// Maps the run streams under <paramref name="prefix"/> (default <c>/runs</c>):
    /// <c>GET {prefix}/{runId}/events</c> (this library's events, <c>text/event-stream</c>, <c>id:</c> = sequence) and
    /// <c>GET|POST {prefix}/{runId}/agui</c> (the same run as AG-UI events). Both resume after the <c>Last-Event-ID</c>
    /// header (or <c>?after=</c>) and end after the run's last event.
    /// </summary>
    public static IEndpointConventionBuilder MapDurableAgentStreams(this IEndpointRouteBuilder endpoints, string prefix = "/runs")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<RunStreamRuntime>() is null)
        {
            throw new InvalidOperationException("Call services.AddDurableAgentStreams() before app.MapDurableAgentStreams().");
        }

        var group = endpoints.MapGroup(prefix.TrimEnd('/') is { Length: > 0 } p ? p : "/");
        group.MapGet("/{runId}/events", (RequestDelegate)(static http => RunStreamHandler.StreamAsync(http, RunStreamFormat.Events)));
        group.MapMethods("/{runId}/agui", ["GET", "POST"], (RequestDelegate)(static http => RunStreamHandler.StreamAsync(http, RunStreamFormat.AgUi)));
        return group;
    }
}
