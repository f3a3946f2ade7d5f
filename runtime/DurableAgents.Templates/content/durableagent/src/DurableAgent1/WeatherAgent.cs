using System.ComponentModel;
using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Agents;

namespace DurableAgent1;

/// <summary>
/// A durable agent: Restate journals every model response and every tool result, so after a crash the run resumes
/// where it stopped; a finished model turn is not paid for again and a finished tool call does not run again.
/// Call it with <c>POST {ingress}/WeatherAgent/run</c> and a JSON string.
/// </summary>
[DurableAgent("WeatherAgent")]
[AgentInstructions("You are a helpful weather assistant. Use get_weather for every city the user asks about, then answer briefly.")]
[Description("Answers questions about the weather.")]
public partial class WeatherAgent
{
    /// <summary>Gets the current weather for a city.</summary>
    /// <param name="city">The city, e.g. Paris.</param>
    [DurableTool]
    public static WeatherReport GetWeather(string city)
    {
        // Call a real weather API here: the tool runs once per tool call, and its result is journaled.
        return new WeatherReport(city, 21, "sunny");
    }
}

/// <summary>The tool's result, as the model sees it.</summary>
public sealed record WeatherReport(string City, int TemperatureC, string Conditions);

/// <summary>System.Text.Json metadata for the tool's types (no reflection: Native AOT works).</summary>
[JsonSerializable(typeof(WeatherReport))]
internal sealed partial class WeatherJson : JsonSerializerContext;
