using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// Calls through interfaces and virtual methods (issue 16, part 1): the implementations in the compilation are followed,
/// and the chain names the member called and the implementation that does the non-deterministic work.
/// </summary>
public class DispatchTests
{
    [Test]
    public async Task InjectedInterfaceWhoseImplementationReadsAFileIsReported()
    {
        await VerifyCS.VerifyAsync("""
            public interface IWeatherStore
            {
                string Load(string city);
            }

            public sealed class FileWeatherStore : IWeatherStore
            {
                public string Load(string city) => {|#0:System.IO.File.ReadAllText(city + ".json")|};
            }

            public sealed class FixedWeatherStore : IWeatherStore
            {
                public string Load(string city) => "sunny";
            }

            [Service]
            public partial class Weather(IWeatherStore store)
            {
                [Handler]
                public Task<string> Forecast(IContext ctx, string city) => Task.FromResult(store.Load(city));
            }
            """,
            VerifyCS.Diagnostic(RuleIds.IoOutsideStep).WithLocation(0)
                .WithArguments("File.ReadAllText", "Weather.Forecast → IWeatherStore.Load → FileWeatherStore.Load"));
    }

    [Test]
    public async Task InterfaceCallInsideAStepIsNotReported()
    {
        await VerifyCS.VerifyAsync("""
            public interface IWeatherStore
            {
                string Load(string city);
            }

            public sealed class FileWeatherStore : IWeatherStore
            {
                public string Load(string city) => System.IO.File.ReadAllText(city + ".json");
            }

            [Service]
            public partial class Weather(IWeatherStore store)
            {
                [Handler]
                public async Task<string> Forecast(IContext ctx, string city) =>
                    await ctx.RunAsync("load", ct => Task.FromResult(store.Load(city)));
            }
            """);
    }

    [Test]
    public async Task InterfacePropertyAndGenericInterfaceImplementationsAreFollowedFromAHelper()
    {
        await VerifyCS.VerifyAsync("""
            public interface IClock
            {
                DateTime Now { get; }
            }

            public interface IIdSource<T>
            {
                T Next();
            }

            public sealed class SystemClock : IClock
            {
                public DateTime Now => {|#0:DateTime.UtcNow|};
            }

            public sealed class GuidSource : IIdSource<Guid>
            {
                public Guid Next() => {|#1:Guid.NewGuid()|};
            }

            public sealed class Stamper(IClock clock, IIdSource<Guid> ids)
            {
                public string Stamp() => clock.Now.ToString("O") + ids.Next();
            }

            [Service]
            public partial class Orders(Stamper stamper)
            {
                [Handler]
                public Task<string> Place(IContext ctx) => Task.FromResult(stamper.Stamp());
            }
            """,
            VerifyCS.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0)
                .WithArguments("DateTime.UtcNow", "Orders.Place → Stamper.Stamp → IClock.Now → SystemClock.Now"),
            VerifyCS.Diagnostic(RuleIds.NonDeterministicGuid).WithLocation(1)
                .WithArguments("Guid.NewGuid", "Orders.Place → Stamper.Stamp → IIdSource.Next → GuidSource.Next"));
    }

    [Test]
    public async Task AbstractAndVirtualMethodsAreFollowedToTheirOverrides()
    {
        await VerifyCS.VerifyAsync("""
            public abstract class Notifier
            {
                public abstract Task Send(string text);
                public virtual string Prefix() => "note: ";
            }

            public sealed class HttpNotifier : Notifier
            {
                private readonly System.Net.Http.HttpClient _http = new();
                public override Task Send(string text) => {|#0:_http.PostAsync("https://example.org", new System.Net.Http.StringContent(text))|};
                public override string Prefix() => {|#1:Environment.MachineName|} + ": ";
            }

            [Service]
            public partial class Alerts(Notifier notifier)
            {
                [Handler]
                public async Task Raise(IContext ctx, string text) => await notifier.Send(notifier.Prefix() + text);
            }
            """,
            VerifyCS.Diagnostic(RuleIds.IoOutsideStep).WithLocation(0)
                .WithArguments("HttpClient.PostAsync", "Alerts.Raise → Notifier.Send → HttpNotifier.Send"),
            VerifyCS.Diagnostic(RuleIds.EnvironmentRead).WithLocation(1)
                .WithArguments("Environment.MachineName", "Alerts.Raise → Notifier.Prefix → HttpNotifier.Prefix"));
    }

    [Test]
    public async Task DeterministicImplementationsAndLibraryVirtualsAreNotReported()
    {
        // object.ToString is not declared in this compilation: overriding it does not make every ToString call suspect.
        await VerifyCS.VerifyAsync("""
            public interface IWeatherStore
            {
                string Load(string city);
            }

            public sealed class FixedWeatherStore : IWeatherStore
            {
                public string Load(string city) => "sunny in " + city;
            }

            public sealed class Stamp
            {
                public override string ToString() => DateTime.UtcNow.ToString("O");
            }

            [Service]
            public partial class Weather(IWeatherStore store)
            {
                [Handler]
                public Task<string> Forecast(IContext ctx, string city, object value) => Task.FromResult(store.Load(city) + value.ToString());
            }
            """);
    }
}
