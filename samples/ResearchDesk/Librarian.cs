using System.ComponentModel;
using DurableAgents;
using DurableAgents.Agents;
using DurableAgents.Mcp;

namespace ResearchDesk;

/// <summary>
/// An agent whose tools come from an MCP server (the catalog): the tool listing is the journaled step
/// <c>mcp:catalog:tools</c> and each call the journaled step <c>mcp:catalog:find_books:{callId}</c>. Callers that speak
/// Microsoft Agent Framework use it as an <c>AIAgent</c> through the generated <c>LibrarianClient.AsAIAgent</c>.
/// </summary>
[DurableAgent("Librarian")]
[AgentInstructions("You are a librarian. Use find_books for every topic the user asks about, then list the books briefly.")]
[Description("Finds books about the topics you ask for.")]
public partial class Librarian(CatalogConnection catalogConnection) : IConfigureDurableAgent
{
    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
    {
        // The address is known only at run time, so the server is added here rather than with [McpServer(Url = ...)].
        // (A DI service, the same on every replica and every replay; a mutable static or the environment would be flagged.)
        var catalog = McpServer.Http("catalog", catalogConnection.Endpoint);
        catalog.AllowedTools = new HashSet<string>(StringComparer.Ordinal) { "find_books" };
        options.McpServers.Add(catalog);
    }
}
