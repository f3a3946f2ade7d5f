using static DurableAgents.Analyzers.Tests.JournalLock.JournalLockVerifier;

namespace DurableAgents.Analyzers.Tests.JournalLock;

/// <summary>DA4002/DA4003 for agent tools, and version gates (<c>ctx.IsPatched</c>) against the lock.</summary>
public class JournalLockToolAndPatchTests
{
    private static string Agent(string tools) => """
        public sealed record Forecast(string City, double Celsius);

        [DurableAgent("Weather")]
        public partial class {|#0:WeatherAgent|}
        {
        """ + tools + """

        }
        """;

    private const string V1Tools = """
            [DurableTool]
            public static Forecast GetForecast(string city, int days = 1) => new(city, days);

            [DurableTool]
            public static string[] ListCities() => ["Paris"];
        """;

    private static readonly string ToolLock = LockOf(Agent(V1Tools));

    private static string Tool(string name) => ToolLock.Split('\n').Single(l => l.Contains("tool " + name + "(", StringComparison.Ordinal)).Trim();

    [Test]
    public Task UnchangedToolsAreClean() => VerifyAsync(Agent(V1Tools), ToolLock);

    [Test]
    public Task RemovedTool() => VerifyAsync(
        Agent(V1Tools.Replace("[DurableTool]\n    public static string[] ListCities() => [\"Paris\"];", "", StringComparison.Ordinal)),
        ToolLock,
        Diagnostic("DA4002").WithLocation(0).WithArguments("Weather/run", "tool removed", Tool("list_cities"), "nothing"));

    [Test]
    public Task NewOptionalArgumentIsCompatible() => VerifyAsync(
        Agent(V1Tools.Replace("int days = 1)", "int days = 1, string unit = \"C\")", StringComparison.Ordinal)),
        ToolLock,
        Diagnostic("DA4003").WithLocation(0).WithArguments("Weather/run", "compatible tool schema change", Tool("get_forecast").Replace(") -> ", ", unit?: String@17c16538) -> ", StringComparison.Ordinal)));

    [Test]
    public Task NewRequiredArgumentIsIncompatible() => VerifyAsync(
        Agent(V1Tools.Replace("GetForecast(string city,", "GetForecast(string city, string country,", StringComparison.Ordinal)),
        ToolLock,
        Diagnostic("DA4002").WithLocation(0).WithArguments("Weather/run", "new required argument 'country'", Tool("get_forecast"),
            Tool("get_forecast").Replace("(city: String@17c16538,", "(city: String@17c16538, country: String@17c16538,", StringComparison.Ordinal)));

    [Test]
    public Task ArgumentTypeChangedIsIncompatible() => VerifyAsync(
        Agent(V1Tools.Replace("int days = 1", "string days = \"1\"", StringComparison.Ordinal).Replace("new(city, days)", "new(city, 1)", StringComparison.Ordinal)),
        ToolLock,
        Diagnostic("DA4002").WithLocation(0).WithArguments("Weather/run", "argument 'days' changed type", Tool("get_forecast"), Tool("get_forecast").Replace("days?: Int32@fbdee2bf", "days?: String@17c16538", StringComparison.Ordinal)));

    [Test]
    public Task NewToolIsCompatible() => VerifyAsync(
        Agent(V1Tools + "\n\n    [DurableTool]\n    public static int Ping() => 1;"),
        ToolLock,
        Diagnostic("DA4003").WithLocation(0).WithArguments("Weather/run", "new tool", "tool ping() -> Int32@fbdee2bf"));

    private static string Payments(string body) => """
        [Service]
        public partial class Payments
        {
            [Handler]
            public async Task ChargeAsync(IContext ctx, string card)
            {
        """ + body + """

            }
        }
        """;

    private static readonly string PaymentsLock = LockOf(Payments("""
                await ctx.RunAsync("validate", _ => Task.CompletedTask);
                await ctx.RunAsync("charge", _ => Task.CompletedTask);
                await ctx.SleepAsync(TimeSpan.FromSeconds(1));
        """));

    [Test]
    public Task PatchBlockKeepingTheLockedStepIsCompatible() => VerifyAsync(
        Payments("""
                    await ctx.RunAsync("validate", _ => Task.CompletedTask);
                    {|#0:if (ctx.IsPatched("charge-card"))
                    {
                        await ctx.RunAsync("charge-card", _ => Task.CompletedTask);
                    }
                    else
                    {
                        await ctx.RunAsync("charge", _ => Task.CompletedTask);
                    }|}

                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            """),
        PaymentsLock,
        Diagnostic("DA4003").WithLocation(0).WithArguments("Payments/charge", "version gate keeps the locked entries", "patch \"charge-card\""));

    [Test]
    public Task AcceptedPatchBlockIsClean()
    {
        var v2 = Payments("""
                    await ctx.RunAsync("validate", _ => Task.CompletedTask);
                    if (ctx.IsPatched("charge-card"))
                    {
                        await ctx.RunAsync("charge-card", _ => Task.CompletedTask);
                    }
                    else
                    {
                        await ctx.RunAsync("charge", _ => Task.CompletedTask);
                    }

                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            """);
        return VerifyAsync(v2, LockOf(v2));
    }

    [Test]
    public Task PatchBlockThatDropsTheLockedStepIsIncompatible() => VerifyAsync(
        Payments("""
                    await ctx.RunAsync("validate", _ => Task.CompletedTask);
                    {|#0:if (ctx.IsPatched("charge-card"))
                    {
                        await ctx.RunAsync("charge-card", _ => Task.CompletedTask);
                    }
                    else
                    {
                        await ctx.RunAsync("charge-old", _ => Task.CompletedTask);
                    }|}

                    await ctx.SleepAsync(TimeSpan.FromSeconds(1));
            """),
        PaymentsLock,
        Diagnostic("DA4001").WithLocation(0).WithArguments("Payments/charge", "2", "run \"charge\"", "patch \"charge-card\"", "block structure changed"));
}
