using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Agents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corpus.Research;

public sealed record SearchHit(string Title, string Url, string Snippet);

public sealed record Citation(string Url, string RetrievedAt);

public sealed class ResearchOptions
{
    public string SearchEndpoint { get; set; } = "https://search.example/api";

    public int MaxResults { get; set; } = 5;
}

public interface IWebSearch
{
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken);
}

/// <summary>
/// A research agent: its tools are journaled steps, so web calls, clocks, GUIDs and random numbers inside them are
/// recorded once and replayed.
/// </summary>
[DurableAgent("Researcher")]
[AgentInstructions("You research topics. Use search_web to find sources, fetch_page to read them and cite with cite_source.")]
[Description("Researches a topic on the web and answers with citations.")]
public partial class ResearchAgent(IWebSearch search, HttpClient http, IOptions<ResearchOptions> researchOptions, ILogger<ResearchAgent> logger)
    : IConfigureDurableAgent
{
    /// <summary>Searches the web.</summary>
    /// <param name="query">What to search for.</param>
    [DurableTool]
    public async Task<IReadOnlyList<SearchHit>> SearchWebAsync(string query, CancellationToken cancellationToken)
    {
        logger.LogInformation("Searching for {Query}", query);
        return await search.SearchAsync(query, researchOptions.Value.MaxResults, cancellationToken);
    }

    /// <summary>Downloads a page and returns its first characters.</summary>
    /// <param name="url">The page's address.</param>
    /// <param name="maxCharacters">How many characters to return.</param>
    [DurableTool]
    public async Task<string> FetchPageAsync(string url, int maxCharacters = 4000, CancellationToken cancellationToken = default)
    {
        var text = await http.GetStringAsync(url, cancellationToken);
        return text.Length <= maxCharacters ? text : text[..maxCharacters];
    }

    /// <summary>Records a citation with the time it was retrieved.</summary>
    /// <param name="url">The source's address.</param>
    [DurableTool]
    public static Citation CiteSource(string url) => new(url, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Creates a unique id for a research note.</summary>
    [DurableTool]
    public static string NewNoteId() => "note-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Picks a random sample of the given items, for spot checks.</summary>
    /// <param name="items">The items.</param>
    /// <param name="count">How many to pick.</param>
    [DurableTool]
    public static IReadOnlyList<string> Sample(IReadOnlyList<string> items, int count)
        => items.OrderBy(_ => Random.Shared.Next()).Take(Math.Clamp(count, 0, items.Count)).ToList();

    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
    {
        options.MaxTurns = 8;
        options.ToolRetryPolicy = RetryPolicy.Exponential(TimeSpan.FromSeconds(1), maxAttempts: 3);
        options.ToolErrors = ToolErrorBehavior.ReturnToModel;
    }
}

[JsonSerializable(typeof(IReadOnlyList<SearchHit>))]
[JsonSerializable(typeof(Citation))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ResearchJson : JsonSerializerContext;
