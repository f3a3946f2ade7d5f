using System.ComponentModel;
using DurableAgents.Agents;

namespace DurableAgents.TestService;

/// <summary>Records tool side effects (one line per execution) in the file named by <c>DA_SIDE_EFFECTS</c>.</summary>
public static class SideEffects
{
    private static readonly object Gate = new();

    public static void Record(string line)
    {
        var path = Environment.GetEnvironmentVariable("DA_SIDE_EFFECTS");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, line + "\n");
        }
    }

    public static int Milliseconds(string variable, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(variable), out var ms) ? ms : fallback;
}

/// <summary>A travel agent with a weather tool (the crash/resume, 429 and 400 tests).</summary>
[DurableAgent("TravelAgent", MaxTurns = 4)]
[AgentInstructions("You help travellers. Use get_weather for weather questions.")]
[Description("Answers travel questions, including the weather.")]
public partial class TravelAgent
{
    /// <summary>Gets the current weather for a city.</summary>
    /// <param name="city">The city.</param>
    [DurableTool]
    public static async Task<string> GetWeatherAsync(string city)
    {
        await Task.Delay(SideEffects.Milliseconds("DA_TOOL_DELAY_MS", 0));
        SideEffects.Record("get_weather:" + city);
        return $"Sunny, 21 C in {city}";
    }
}

/// <summary>A session agent with an approval-gated tool.</summary>
[DurableAgent("Concierge", Session = true)]
[AgentInstructions("You are a restaurant concierge. Use book_table to book.")]
public partial class Concierge : IConfigureDurableAgent
{
    /// <summary>Books a table.</summary>
    /// <param name="restaurant">The restaurant.</param>
    [DurableTool(RequiresApproval = true)]
    public static string BookTable(string restaurant)
    {
        SideEffects.Record("book_table:" + restaurant);
        return $"Booked a table at {restaurant}.";
    }

    public void Configure(DurableAgentOptions options)
    {
        options.ApprovalTimeout = TimeSpan.FromMilliseconds(SideEffects.Milliseconds("DA_APPROVAL_TIMEOUT_MS", 3_600_000));
        options.Compaction = new HistoryCompaction { MaxCharacters = SideEffects.Milliseconds("DA_COMPACT_AT", 24_000), KeepLastMessages = 2 };
    }
}

/// <summary>A non-session agent (a Service) with an approval-gated tool: its approvals live in AgentApprovals.</summary>
[DurableAgent("Booker")]
[AgentInstructions("You book flights. Use book_flight to book.")]
public partial class Booker : IConfigureDurableAgent
{
    /// <summary>Books a flight.</summary>
    /// <param name="flight">The flight number.</param>
    [DurableTool(RequiresApproval = true)]
    public static string BookFlight(string flight)
    {
        SideEffects.Record("book_flight:" + flight);
        return $"Booked flight {flight}.";
    }

    public void Configure(DurableAgentOptions options)
        => options.ApprovalTimeout = TimeSpan.FromMilliseconds(SideEffects.Milliseconds("DA_APPROVAL_TIMEOUT_MS", 3_600_000));
}

/// <summary>A slow sub-agent (the cancellation test).</summary>
[DurableAgent("Researcher")]
[Description("Researches a topic in depth.")]
public partial class Researcher
{
    /// <summary>Researches a topic.</summary>
    /// <param name="topic">The topic.</param>
    [DurableTool]
    public static async Task<string> ResearchAsync(string topic, CancellationToken cancellationToken)
    {
        SideEffects.Record("research:start:" + topic);
        await Task.Delay(SideEffects.Milliseconds("DA_RESEARCH_MS", 0), cancellationToken);
        SideEffects.Record("research:done:" + topic);
        return $"Findings about {topic}.";
    }
}

/// <summary>A lead agent whose tool is the Researcher agent (a durable call: its own invocation).</summary>
[DurableAgent("Lead")]
public partial class Lead : IConfigureDurableAgent
{
    public void Configure(DurableAgentOptions options) => options.Tools.Add(Researcher.DurableTools.AsTool("ask_researcher"));
}

/// <summary>
/// A travel agent whose model calls stream (the streaming end-to-end tests). Every live text update is recorded as a
/// <c>stream-update:</c> line, so a test can see the answer arrive piece by piece while the turn is in flight.
/// </summary>
[DurableAgent("StreamingTravelAgent", MaxTurns = 4)]
[AgentInstructions("You help travellers and stream your answers. Use get_forecast for the weather and book_hotel to book a hotel.")]
public partial class StreamingTravelAgent : IConfigureDurableAgent
{
    /// <summary>Gets the weather forecast for a city.</summary>
    /// <param name="city">The city.</param>
    [DurableTool]
    public static async Task<string> GetForecastAsync(string city)
    {
        await Task.Delay(SideEffects.Milliseconds("DA_TOOL_DELAY_MS", 0));
        SideEffects.Record("get_forecast:" + city);
        return $"Forecast for {city}: sunny, 24 C";
    }

    /// <summary>Books a hotel room.</summary>
    /// <param name="city">The city.</param>
    /// <param name="nights">How many nights.</param>
    [DurableTool]
    public static string BookHotel(string city, int nights)
    {
        SideEffects.Record($"book_hotel:{city}:{nights}");
        return $"Booked {nights} nights in {city}.";
    }

    public void Configure(DurableAgentOptions options)
    {
        options.Streaming = true;
        options.OnUpdate = update =>
        {
            if (!string.IsNullOrEmpty(update.Text))
            {
                SideEffects.Record("stream-update:" + update.Text);
            }
        };
    }
}
