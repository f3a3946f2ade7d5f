using DurableAgents.Agents;
using DurableAgents.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResearchDesk;

/// <summary>The Restate endpoint of this sample: the Librarian agent and the Editor object, over the model from the environment, with the catalog's address.</summary>
internal static class ServiceHost
{
    public static Task<RestateHost> StartAsync(int port, Uri catalogEndpoint) => RestateHost.StartAsync(port, _ => { }, services: s =>
    {
        s.AddSingleton<IChatClient>(DurableAgentModels.FromEnvironment());
        s.AddSingleton(new CatalogConnection(catalogEndpoint));
        s.AddRestateServices();
    }, minimumLogLevel: LogLevel.Warning);
}
