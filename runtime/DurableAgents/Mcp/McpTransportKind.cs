namespace DurableAgents.Mcp;

/// <summary>How an <see cref="McpServer"/> is reached.</summary>
public enum McpTransportKind
{
    /// <summary>A local process started by the service, spoken to over its standard input and output.</summary>
    Stdio,

    /// <summary>A remote server spoken to over MCP Streamable HTTP.</summary>
    Http,
}
