using System.ComponentModel;
using DurableAgents;
using DurableAgents.Agents;

namespace WeatherAgent;

/// <summary>The classic example: an agent with a weather tool. Its generated <c>run</c> handler returns the answer.</summary>
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
        // Offline and deterministic so the sample needs no key; swap in a real API call here (it runs once per call,
        // journaled: a crash after it does not call the API again).
        var hash = 0;
        foreach (var c in city.ToLowerInvariant())
        {
            hash = unchecked(hash * 31 + c);
        }

        var conditions = new[] { "sunny", "cloudy", "light rain", "windy", "clear" };
        var report = new WeatherReport(city, 8 + Math.Abs(hash % 20), conditions[Math.Abs(hash / 7 % conditions.Length)]);
        Demo.Log($"tool get_weather({city}) executed -> {report.TemperatureC} C, {report.Conditions}");
        return report;
    }
}

/// <summary>The tool's result.</summary>
public sealed record WeatherReport(string City, int TemperatureC, string Conditions);

[System.Text.Json.Serialization.JsonSerializable(typeof(WeatherReport))]
internal sealed partial class WeatherJson : System.Text.Json.Serialization.JsonSerializerContext;
