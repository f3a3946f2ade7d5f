using DurableAgents.Definitions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableAgents.Hosting;

/// <summary>ASP.NET Core registration: <c>builder.Services.AddRestate(...)</c> and <c>app.MapRestate()</c>.</summary>
public static class RestateHostingExtensions
{
    /// <summary>Registers the Restate endpoint; call as often as needed, configurations accumulate.</summary>
    public static IServiceCollection AddRestate(this IServiceCollection services, Action<RestateEndpointOptions>? configure = null)
    {
        services.AddOptions<RestateEndpointOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<RestateEndpoint>();
        // The MCP sessions of the agents' McpServers: disposed (stdio servers stopped) with the host.
        services.TryAddSingleton<Mcp.McpSessions>();
        return services;
    }

    /// <summary>Registers one service definition.</summary>
    public static IServiceCollection AddRestateService(this IServiceCollection services, ServiceDefinition definition)
        => services.AddRestate(o => o.Bind(definition));

    /// <summary>Maps <c>{prefix}/discover</c>, <c>{prefix}/invoke/{service}/{handler}</c> and <c>{prefix}/health</c>.</summary>
    public static IEndpointConventionBuilder MapRestate(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        prefix = prefix.TrimEnd('/');
        var group = endpoints.MapGroup(prefix.Length == 0 ? "/" : prefix);
        group.MapGet("/discover", (RequestDelegate)(static http => http.RequestServices.GetRequiredService<RestateEndpoint>().DiscoverAsync(http)));
        group.MapGet("/health", (RequestDelegate)RestateEndpoint.HealthAsync);
        group.MapPost("/invoke/{service}/{handler}", (RequestDelegate)(static http => http.RequestServices.GetRequiredService<RestateEndpoint>().InvokeAsync(
            http, (string)http.Request.RouteValues["service"]!, (string)http.Request.RouteValues["handler"]!)));
        return group;
    }
}
