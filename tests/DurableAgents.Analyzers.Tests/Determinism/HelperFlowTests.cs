using Microsoft.CodeAnalysis.Testing;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// Delegates that flow through the user's own helpers (issue 16, part 1): a lambda handed to a helper that forwards it
/// into a step is a step body, whatever the helper's shape; a lambda handed to a helper that runs it is durable code.
/// </summary>
public class HelperFlowTests
{
    private static DiagnosticResult Clock(int location, string chain) =>
        VerifyCS.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(location).WithArguments("DateTime.UtcNow", chain);

    private static DiagnosticResult Guid(int location, string chain) =>
        VerifyCS.Diagnostic(RuleIds.NonDeterministicGuid).WithLocation(location).WithArguments("Guid.NewGuid", chain);

    [Test]
    public async Task ExtensionMethodStepWrapperIsRecognised()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    Func<CancellationToken, Task<string>> id = ct => Task.FromResult(Guid.NewGuid().ToString());
                    return name + await ctx.Journal("stamp", ct => Task.FromResult(DateTime.UtcNow.ToString("O") + Guid.NewGuid()))
                        + await id.InStep(ctx);
                }
            }

            public static class StepExtensions
            {
                public static async Task<T> Journal<T>(this IContext ctx, string name, Func<CancellationToken, Task<T>> body) =>
                    await ctx.RunAsync(name, body);

                public static async Task<T> InStep<T>(this Func<CancellationToken, Task<T>> body, IContext ctx) =>
                    await ctx.Journal("in-step", body);
            }
            """);
    }

    [Test]
    public async Task ExtensionMethodThatRunsTheDelegateIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await ctx.Inline(ct => Task.FromResult({|#0:DateTime.UtcNow|}.ToString("O")));
            }

            public static class StepExtensions
            {
                public static Task<T> Inline<T>(this IContext ctx, Func<CancellationToken, Task<T>> body) => body(CancellationToken.None);
            }
            """,
            Clock(0, "Greeter.Greet → lambda passed to StepExtensions.Inline"));
    }

    [Test]
    public async Task MultiLevelForwardingThroughHelpersInOtherClassesIsRecognised()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await new Outer().Step(ctx, ct => Task.FromResult(Guid.NewGuid().ToString()));
            }

            public sealed class Outer
            {
                public Task<string> Step(IContext ctx, Func<CancellationToken, Task<string>> body) => Middle.Step(ctx, "outer", body);
            }

            public static class Middle
            {
                public static Task<T> Step<T>(IContext ctx, string name, Func<CancellationToken, Task<T>> body) => Inner.Step(ctx, name, body);
            }

            public static class Inner
            {
                public static async Task<T> Step<T>(IContext ctx, string name, Func<CancellationToken, Task<T>> body) =>
                    await ctx.RunAsync(name, body);
            }
            """);
    }

    [Test]
    public async Task MultiLevelForwardingToAHelperThatRunsTheDelegateIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await Outer.Step(ctx, ct => Task.FromResult({|#0:Guid.NewGuid()|}.ToString()));
            }

            public static class Outer
            {
                public static Task<string> Step(IContext ctx, Func<CancellationToken, Task<string>> body) => Inner.Step(body);
            }

            public static class Inner
            {
                public static Task<string> Step(Func<CancellationToken, Task<string>> body) => body(CancellationToken.None);
            }
            """,
            Guid(0, "Greeter.Greet → lambda passed to Outer.Step"));
    }

    [Test]
    public async Task HelperThatForwardsToAStepAndAlsoRunsTheDelegateIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await Steps.Twice(ctx, ct => Task.FromResult({|#0:DateTime.UtcNow|}.ToString()));
            }

            public static class Steps
            {
                public static async Task<string> Twice(IContext ctx, Func<CancellationToken, Task<string>> body)
                {
                    var journaled = await ctx.RunAsync("once", body);
                    return journaled + await body(CancellationToken.None);
                }
            }
            """,
            Clock(0, "Greeter.Greet → lambda passed to Steps.Twice"));
    }

    [Test]
    public async Task WrapperInAGenericClassIsRecognisedAndItsInlineSiblingIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    var steps = new Steps<string>(ctx);
                    var a = await steps.Journal(ct => Task.FromResult(DateTime.UtcNow.ToString()));
                    var b = await steps.Inline(ct => Task.FromResult({|#0:DateTime.UtcNow|}.ToString()));
                    return name + a + b;
                }
            }

            public sealed class Steps<T>(IContext ctx)
            {
                public async Task<T> Journal(Func<CancellationToken, Task<T>> body) => await ctx.RunAsync("journal", body);
                public Task<T> Inline(Func<CancellationToken, Task<T>> body) => body(CancellationToken.None);
            }
            """,
            Clock(0, "Greeter.Greet → lambda passed to Steps.Inline"));
    }

    [Test]
    public async Task HelperInstallingItsDelegateAsAStepHookIsAWrapper()
    {
        await VerifyCS.VerifyAsync("""
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Booker : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options) =>
                    Hooks.OnApproval(options, (pending, ct) => System.IO.File.AppendAllTextAsync("log", DateTime.UtcNow.ToString(), ct));
            }

            public static class Hooks
            {
                public static void OnApproval(DurableAgentOptions options, Func<IReadOnlyList<PendingApproval>, CancellationToken, Task> hook) =>
                    options.OnApprovalRequested = hook;
            }
            """);
    }

    [Test]
    public async Task ParameterlessDelegateCalledInsideTheStepBodyIsRecognised()
    {
        // Func<Task<T>> rather than RunAsync's own Func<CancellationToken, Task<T>>: the helper calls it inside the step.
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    var a = await Steps.Run(ctx, "a", () => Task.FromResult(DateTime.UtcNow.ToString()));
                    var b = await Steps.RunSync(ctx, "b", () => Guid.NewGuid().ToString());
                    return name + a + b;
                }
            }

            public static class Steps
            {
                public static async Task<T> Run<T>(IContext ctx, string name, Func<Task<T>> body) =>
                    await ctx.RunAsync(name, async _ => await body());

                public static async Task<T> RunSync<T>(IContext ctx, string name, Func<T> body) =>
                    await ctx.RunAsync(name, _ => Task.FromResult(body()));
            }
            """);
    }

    [Test]
    public async Task ForwardedDelegateStoredInALocalFirstIsRecognised()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    Func<CancellationToken, Task<string>> stamp = ct => Task.FromResult(DateTime.UtcNow.ToString("O"));
                    return name + await Steps.Journal(ctx, stamp);
                }
            }

            public static class Steps
            {
                public static async Task<string> Journal(IContext ctx, Func<CancellationToken, Task<string>> body)
                {
                    var step = body;
                    return await ctx.RunAsync("journal", step);
                }
            }
            """);
    }

    [Test]
    public async Task DelegateStoredInALocalAndRunByTheHelperIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    Func<CancellationToken, Task<string>> stamp = ct => Task.FromResult({|#0:DateTime.UtcNow|}.ToString("O"));
                    return name + await Steps.Journal(stamp);
                }
            }

            public static class Steps
            {
                public static Task<string> Journal(Func<CancellationToken, Task<string>> body)
                {
                    var step = body;
                    return step(CancellationToken.None);
                }
            }
            """,
            Clock(0, "Greeter.Greet → stamp"));
    }

    [Test]
    public async Task LocalFunctionStepWrapperIsRecognisedAndNotReportedLive()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name)
                {
                    return name + await Journal(ct => Task.FromResult(DateTime.UtcNow.ToString("O")));

                    async Task<T> Journal<T>(Func<CancellationToken, Task<T>> body) => await ctx.RunAsync("journal", body);
                }
            }
            """);
    }

    [Test]
    public async Task LocalFunctionThatRunsTheDelegateIsReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Greeter
            {
                [Handler]
                public Task<string> Greet(IContext ctx, string name)
                {
                    return Task.FromResult(name + Apply(() => {|#0:DateTime.UtcNow|}.ToString("O")));

                    static string Apply(Func<string> body) => body();
                }
            }
            """,
            Clock(0, "Greeter.Greet → lambda passed to Apply"));
    }

    [Test]
    public async Task StepWrapperOfAnInjectedInterfaceIsRecognisedWhenEveryImplementationIsOne()
    {
        await VerifyCS.VerifyAsync("""
            public interface IStepRunner
            {
                Task<string> Run(IContext ctx, Func<CancellationToken, Task<string>> body);
            }

            public sealed class JournaledRunner : IStepRunner
            {
                public async Task<string> Run(IContext ctx, Func<CancellationToken, Task<string>> body) => await ctx.RunAsync("step", body);
            }

            [Service]
            public partial class Greeter(IStepRunner runner)
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await runner.Run(ctx, ct => Task.FromResult(DateTime.UtcNow.ToString("O")));
            }
            """);
    }

    [Test]
    public async Task InterfaceWrapperWithAnImplementationThatRunsTheDelegateIsReported()
    {
        await VerifyCS.VerifyAsync("""
            public interface IStepRunner
            {
                Task<string> Run(IContext ctx, Func<CancellationToken, Task<string>> body);
            }

            public sealed class JournaledRunner : IStepRunner
            {
                public async Task<string> Run(IContext ctx, Func<CancellationToken, Task<string>> body) => await ctx.RunAsync("step", body);
            }

            public sealed class InlineRunner : IStepRunner
            {
                public Task<string> Run(IContext ctx, Func<CancellationToken, Task<string>> body) => body(CancellationToken.None);
            }

            [Service]
            public partial class Greeter(IStepRunner runner)
            {
                [Handler]
                public async Task<string> Greet(IContext ctx, string name) =>
                    name + await runner.Run(ctx, ct => Task.FromResult({|#0:DateTime.UtcNow|}.ToString("O")));
            }
            """,
            Clock(0, "Greeter.Greet → lambda passed to IStepRunner.Run"));
    }
}
