using System.ComponentModel;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using DurableAgents.Agents;
using Microsoft.Extensions.AI;

namespace Corpus.Travel;

public sealed record Flight(string Number, string From, string To, DateOnly Date, decimal Price);

public sealed record Hotel(string Name, string City, int Stars, decimal PricePerNight);

public sealed record TripPlan(string Destination, IReadOnlyList<string> Days, decimal Budget);

public sealed record TripRequest(string Traveller, string Destination, DateOnly From, DateOnly To, decimal Budget);

public sealed record TripSummary(string Traveller, TripPlan Plan, int AgentTurns);

/// <summary>Finds flights (a static tool over an in-memory timetable).</summary>
[DurableAgent("Flights")]
[AgentInstructions("You find flights with find_flights and answer with the cheapest option.")]
[Description("Finds flights between two cities.")]
public static partial class FlightAgent
{
    private static readonly Flight[] Timetable =
    [
        new("LX 1612", "ZRH", "LIS", new DateOnly(2026, 5, 1), 189m),
        new("TP 931", "ZRH", "LIS", new DateOnly(2026, 5, 1), 164m),
        new("TP 936", "LIS", "ZRH", new DateOnly(2026, 5, 8), 171m),
    ];

    /// <summary>Finds flights on a date.</summary>
    /// <param name="from">The departure airport code.</param>
    /// <param name="to">The arrival airport code.</param>
    /// <param name="date">The date, yyyy-MM-dd.</param>
    [DurableTool]
    public static IReadOnlyList<Flight> FindFlights(string from, string to, string date)
    {
        var day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Timetable.Where(f => f.From == from && f.To == to && f.Date == day).OrderBy(f => f.Price).ToList();
    }
}

/// <summary>Finds hotels through the hotel API (an instance tool with an injected HttpClient).</summary>
[DurableAgent("Hotels")]
[AgentInstructions("You find hotels with find_hotels.")]
[Description("Finds hotels in a city.")]
public partial class HotelAgent(HttpClient http)
{
    /// <summary>Finds hotels in a city with at least some stars.</summary>
    /// <param name="city">The city.</param>
    /// <param name="minStars">The minimum number of stars.</param>
    [DurableTool]
    public async Task<IReadOnlyList<Hotel>> FindHotelsAsync(string city, int minStars = 3, CancellationToken cancellationToken = default)
    {
        var hotels = await http.GetFromJsonAsync($"https://hotels.example/search?city={Uri.EscapeDataString(city)}", TravelJson.Default.ListHotel, cancellationToken) ?? [];
        return hotels.Where(h => h.Stars >= minStars).OrderBy(h => h.PricePerNight).ToList();
    }
}

/// <summary>Plans trips by asking the flight and hotel agents (each call is a durable call to the sub-agent's run).</summary>
[DurableAgent("TripPlanner")]
[AgentInstructions("You plan trips. Ask ask_flights and ask_hotels, then write a day-by-day plan within the budget.")]
public partial class TripPlannerAgent : IConfigureDurableAgent
{
    /// <summary>Converts an amount between currencies at a fixed rate table.</summary>
    /// <param name="amount">The amount.</param>
    /// <param name="currency">The target currency (EUR, CHF, USD).</param>
    [DurableTool]
    public static decimal ConvertCurrency(decimal amount, string currency) => currency.ToUpperInvariant() switch
    {
        "CHF" => Math.Round(amount * 0.94m, 2),
        "USD" => Math.Round(amount * 1.08m, 2),
        _ => amount,
    };

    /// <inheritdoc />
    public void Configure(DurableAgentOptions options)
    {
        options.Tools.Add(FlightAgent.DurableTools.AsTool("ask_flights", "Ask the flight agent; pass the whole question in 'message'."));
        options.Tools.Add(HotelAgent.DurableTools.AsTool("ask_hotels", "Ask the hotel agent; pass the whole question in 'message'."));
        options.Tools.Add(DurableTool.FromFunction(AIFunctionFactory.Create(
            (string city) => $"Local time in {city}: {DateTimeOffset.UtcNow:HH:mm} UTC",
            "local_time",
            "The current time in a city.")));
        options.MaxTurns = 12;
    }
}

/// <summary>The trip service: a handler that calls the planner agent with structured output.</summary>
[Service("Trips")]
public sealed partial class TripService
{
    [Handler]
    public async Task<TripSummary> PlanAsync(IContext ctx, TripRequest request)
    {
        var nights = request.To.DayNumber - request.From.DayNumber;
        var prompt = string.Create(CultureInfo.InvariantCulture,
            $"Plan {nights} nights in {request.Destination} from {request.From:yyyy-MM-dd} for {request.Traveller}, budget {request.Budget:F0} EUR.");
        var plan = await new TripPlannerAgentContextClient(ctx).RunAsync(prompt, TravelJson.Default.TripPlan);
        return new TripSummary(request.Traveller, plan, 0);
    }

    [Handler]
    public async Task<string> AskFlightsAsync(IContext ctx, string question)
    {
        var response = await new FlightAgentContextClient(ctx).RunAsync(question);
        return response.Text;
    }

    [Handler]
    public async Task<IReadOnlyList<string>> CompareAsync(IContext ctx, IReadOnlyList<string> destinations)
    {
        // Several sub-agent runs in parallel, awaited through the journal.
        var runs = destinations.Select(d => new TripPlannerAgentContextClient(ctx).RunAsync(AgentRequest.FromMessage("Suggest one day in " + d))).ToArray();
        await ctx.WhenAll(runs);
        var answers = new List<string>(runs.Length);
        for (var i = 0; i < runs.Length; i++)
        {
            answers.Add($"{destinations[i]}: {(await runs[i]).Text}");
        }

        return answers;
    }
}

[JsonSerializable(typeof(IReadOnlyList<Flight>))]
[JsonSerializable(typeof(List<Hotel>))]
[JsonSerializable(typeof(IReadOnlyList<Hotel>))]
[JsonSerializable(typeof(TripPlan))]
[JsonSerializable(typeof(TripRequest))]
[JsonSerializable(typeof(TripSummary))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class TravelJson : JsonSerializerContext;
