namespace ResearchDesk;

/// <summary>Where the catalog MCP server is: a DI singleton the Librarian agent gets in its constructor.</summary>
public sealed record CatalogConnection(Uri Endpoint);
