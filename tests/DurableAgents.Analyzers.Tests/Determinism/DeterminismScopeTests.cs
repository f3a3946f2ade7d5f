using DurableAgents.Analyzers.Determinism;
using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// Which code the determinism rules look at: handlers and what they call outside steps, and nothing else.
/// The clock rule (DA2001) stands in for every DA2xxx rule here; the per-API tests are in <see cref="DeterminismApiTests"/>.
/// </summary>
public class DeterminismScopeTests
{
    private static DiagnosticResult Clock(int location, string chain, string api = "DateTime.UtcNow") =>
        VerifyCS.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(location).WithArguments(api, chain);

    [Test]
    public async Task EmptyCodeWithNoRuntimeHasNoDiagnostics()
    {
        await VerifyCS.VerifyWithoutRuntimeAsync("""
            public class Greeter
            {
                public DateTime Greet() => DateTime.UtcNow;
            }
            """);
    }

    [Test]
    public async Task NonDurableClassHasNoDiagnostics()
    {
        await VerifyCS.VerifyAsync("""
            public class Plain
            {
                public async Task<string> Greet(IContext ctx, string name)
                {
                    await Task.Delay(10);
                    return name + DateTime.UtcNow + Guid.NewGuid();
                }
            }
            """);
    }

    [Test]
    public async Task HandlerBodyIsReportedWithTheHandlerName()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name + {|#0:DateTime.UtcNow|});
            }
            """,
            Clock(0, "Greeter.Greet"));
    }

    [Test]
    public async Task HelperIsReportedAtTheCallWithTheCallChain()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name + Helper.Stamp());
            }

            public static class Helper
            {
                public static string Stamp() => Format({|#0:DateTime.UtcNow|});
                private static string Format(DateTime value) => value.ToString("O");
            }
            """,
            Clock(0, "Greeter.Greet → Helper.Stamp"));
    }

    [Test]
    public async Task TransitiveHelpersAreReportedWithTheFullChain()
    {
        await VerifyCS.VerifyAsync("""
            [VirtualObject]
            public partial class Counter
            {
                [Handler]
                public async Task Add(IObjectContext ctx, int delta) { await Task.Yield(); new Audit().Record(delta); }
            }

            public class Audit
            {
                public void Record(int delta) => Write(delta);
                private void Write(int delta) => Console.WriteLine($"{delta} at {{|#0:DateTimeOffset.Now|}}");
            }
            """,
            Clock(0, "Counter.Add → Audit.Record → Audit.Write", "DateTimeOffset.Now"));
    }

    [Test]
    public async Task HelperReachedFromTwoHandlersIsReportedOnceWithTheFirstHandler()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Hello(IContext ctx) => Task.FromResult(Helper.Stamp());

                [Handler]
                public Task<string> Bye(IContext ctx) => Task.FromResult(Helper.Stamp());
            }

            public static class Helper
            {
                public static string Stamp() => {|#0:DateTime.UtcNow|}.ToString("O");
            }
            """,
            Clock(0, "Greeter.Hello → Helper.Stamp"));
    }

    [Test]
    public async Task RecursiveHelpersTerminate()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<int> Count(IContext ctx, int n) => Task.FromResult(Helper.Even(n) ? 1 : 0);
            }

            public static class Helper
            {
                public static bool Even(int n) => n == 0 || Odd(n - 1);
                public static bool Odd(int n) => n != 0 && (Even(n - 1) || {|#0:DateTime.Now|}.Ticks < 0);
            }
            """,
            Clock(0, "Greeter.Count → Helper.Even → Helper.Odd", "DateTime.Now"));
    }

    [Test]
    public async Task InsideRunAsyncLambdaIsNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    var stamp = await ctx.RunAsync("stamp", ct => Task.FromResult(DateTime.UtcNow.ToString("O") + Guid.NewGuid()));
                    await ctx.RunAsync("wait", async ct => await Task.Delay(10, ct));
                    return name + stamp;
                }
            }
            """);
    }

    [Test]
    public async Task LambdaPassedToRunAsyncThroughAVariableIsNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    Func<CancellationToken, Task<string>> stamp = ct => Task.FromResult(DateTime.UtcNow.ToString("O"));
                    return name + await ctx.RunAsync("stamp", stamp);
                }
            }
            """);
    }

    [Test]
    public async Task LambdaInAVariableThatIsInvokedDirectlyIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name)
                {
                    Func<string> stamp = () => {|#0:DateTime.UtcNow|}.ToString("O");
                    return Task.FromResult(name + stamp());
                }
            }
            """,
            Clock(0, "Greeter.Greet → stamp"));
    }

    [Test]
    public async Task MethodGroupPassedToRunAsyncIsNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) => name + await ctx.RunAsync("stamp", Stamp);

                private static Task<string> Stamp(CancellationToken ct) => Task.FromResult(DateTime.UtcNow.ToString("O"));
            }
            """);
    }

    [Test]
    public async Task LocalFunctionCalledOnlyFromAStepIsNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    return name + await ctx.RunAsync("stamp", ct => Task.FromResult(Stamp()));

                    static string Stamp() => DateTime.UtcNow.ToString("O");
                }
            }
            """);
    }

    [Test]
    public async Task LocalFunctionCalledFromTheHandlerIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name)
                {
                    return Task.FromResult(name + Stamp());

                    static string Stamp() => {|#0:DateTime.UtcNow|}.ToString("O");
                }
            }
            """,
            Clock(0, "Greeter.Greet → Stamp"));
    }

    [Test]
    public async Task HelperCalledOnlyFromStepsIsNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await ctx.RunAsync("stamp", ct => Task.FromResult(Helper.Stamp()));
            }

            public static class Helper
            {
                public static string Stamp() => DateTime.UtcNow.ToString("O");
            }
            """);
    }

    [Test]
    public async Task StepWrapperHelperIsRecognised()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await Steps.Journal(ctx, "stamp", ct => Task.FromResult(DateTime.UtcNow.ToString("O")));
            }

            public static class Steps
            {
                public static async Task<T> Journal<T>(IContext ctx, string name, Func<CancellationToken, Task<T>> body) =>
                    await ctx.RunAsync(name, body);
            }
            """);
    }

    [Test]
    public async Task DelegatePassedToAHelperThatRunsItIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) =>
                    Task.FromResult(name + Helper.Invoke(() => {|#0:DateTime.UtcNow|}.ToString("O")));
            }

            public static class Helper
            {
                public static string Invoke(Func<string> body) => body();
            }
            """,
            Clock(0, "Greeter.Greet → lambda passed to Helper.Invoke"));
    }

    [Test]
    public async Task ToolBodyAndItsHelpersAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Researcher
            {
                public string Instructions => "Answer with the current time.";

                [DurableTool(Description = "The current time.")]
                public Task<string> Now() => Task.FromResult(Format(DateTime.UtcNow));

                private static string Format(DateTime value) => value.ToString("O") + Guid.NewGuid();
            }
            """);
    }

    [Test]
    public async Task AgentMembersAreDurableCode()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Researcher
            {
                public string Instructions => "Today is " + {|#0:DateTime.Today|}.ToShortDateString();
            }
            """,
            Clock(0, "Researcher.Instructions", "DateTime.Today"));
    }

    [Test]
    public async Task AgentHelpersCalledOnlyFromToolsAreNotDurableCode()
    {
        // Whatever their accessibility, agent methods that only tools call run inside the tools' steps.
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            public partial class Researcher
            {
                [DurableTool(Description = "The current time.")]
                public Task<string> Now() => Task.FromResult(Stamp());

                internal string Stamp() => DateTime.UtcNow.ToString("O");

                public string Describe() => Guid.NewGuid().ToString();
            }
            """);
    }

    [Test]
    public async Task AgentConfigureAndWhatItCallsAreDurableCode()
    {
        await VerifyCS.VerifyAsync("""
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Researcher : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options) => options.MaxTurns = Turns();

                internal int Turns() => {|#0:DateTime.UtcNow|}.Hour > 12 ? 4 : 8;
            }

            [DurableAgent]
            public partial class Explicit : IConfigureDurableAgent
            {
                void IConfigureDurableAgent.Configure(DurableAgentOptions options) => options.MaxTurns = {|#1:DateTime.UtcNow|}.Second;
            }
            """,
            Clock(0, "Researcher.Configure → Researcher.Turns"),
            Clock(1, "Explicit.DurableAgents.Agents.IConfigureDurableAgent.Configure"));
    }

    [Test]
    public async Task DeterministicMethodsAreTrustedWithTheirCallees()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name + LogStamp());

                [Deterministic("Only feeds a log line")]
                private static string LogStamp() => Helper.Stamp();
            }

            public static class Helper
            {
                public static string Stamp() => DateTime.UtcNow.ToString("O");
            }
            """);
    }

    [Test]
    public async Task DeterministicHandlerIsTrusted()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler, Deterministic]
                public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name + DateTime.UtcNow);
            }
            """);
    }

    [Test]
    public async Task HelperPropertyGetterIsFollowed()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name + new Clock().Now);
            }

            public class Clock
            {
                public DateTime Now => {|#0:DateTime.UtcNow|};
            }
            """,
            Clock(0, "Greeter.Greet → Clock.Now"));
    }

    [Test]
    public async Task ConstructorOfAHelperIsFollowed()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) => Task.FromResult(name + new Stamp().Value);
            }

            public class Stamp
            {
                public Stamp() { Value = {|#0:DateTime.UtcNow|}; }
                public DateTime Value { get; }
            }
            """,
            Clock(0, "Greeter.Greet → new Stamp"));
    }

    [Test]
    public async Task HandlerCallingAnotherHandlerDoesNotDuplicate()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name) => Stamp(ctx);

                [Handler]
                public Task<string> Stamp(IContext ctx) => Task.FromResult({|#0:DateTime.UtcNow|}.ToString("O"));
            }
            """,
            Clock(0, "Greeter.Stamp"));
    }

    /// <remarks>
    /// Raising a warning to error works the same way, but Roslyn represents it as a warning with IsWarningAsError, which
    /// the testing library cannot express; lowering and disabling are asserted here.
    /// </remarks>
    [Test]
    public async Task SeverityCanBeConfiguredInEditorConfig()
    {
        var test = new Microsoft.CodeAnalysis.CSharp.Testing.CSharpAnalyzerTest<DeterminismAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = Verifiers.TestSources.Empty,
            TestCode = Verifiers.TestSources.Usings + """
                [Service]
                public partial class Greeter
                {
                    [Handler]
                    public Task<string> Greet(IContext ctx) => Task.FromResult({|#0:DateTime.UtcNow|}.ToString() + Guid.NewGuid());
                }
                """,
        };
        test.TestState.AdditionalReferences.AddRange(Verifiers.TestSources.WithRuntime);
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", """
            is_global = true
            dotnet_diagnostic.DA2001.severity = suggestion
            dotnet_diagnostic.DA2002.severity = none
            """));
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(0)
            .WithArguments("DateTime.UtcNow", "Greeter.Greet").WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info));
        await test.RunAsync(CancellationToken.None);
    }
}
