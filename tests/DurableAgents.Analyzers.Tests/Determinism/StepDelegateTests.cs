using DurableAgents.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using VerifyContext = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Context.StepMutationAnalyzer>;
using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Determinism.DeterminismAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Determinism;

/// <summary>
/// Delegates the runtime runs in a journaled step are known only from <c>[RunsInDurableStep]</c> on the runtime's (or
/// anyone's) parameters and properties: no list of names in the analyzers (issue 21, point 2).
/// </summary>
public class StepDelegateTests
{
    private static DiagnosticResult Io(int location, string api, string chain) =>
        VerifyCS.Diagnostic(RuleIds.IoOutsideStep).WithLocation(location).WithArguments(api, chain);

    private static DiagnosticResult Clock(int location, string api, string chain) =>
        VerifyCS.Diagnostic(RuleIds.NonDeterministicClock).WithLocation(location).WithArguments(api, chain);

    [Test]
    public async Task OnApprovalRequestedRunsInAStepSoFileIoAndTheClockAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Booker : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options)
                {
                    options.OnApprovalRequested = async (pending, ct) =>
                    {
                        System.IO.File.AppendAllText("approvals.log", DateTime.Now + " " + pending.Count + "\n");
                        await Task.Yield();
                    };
                }
            }

            [DurableAgent]
            public partial class Notifier : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options) => options.OnApprovalRequested = NotifyAsync;

                private static Task NotifyAsync(IReadOnlyList<PendingApproval> pending, CancellationToken ct) =>
                    System.IO.File.WriteAllTextAsync("pending.txt", DateTimeOffset.UtcNow.ToString(), ct);
            }
            """);
    }

    [Test]
    public async Task OnApprovalRequestedInAnObjectInitializerIsAStepToo()
    {
        await VerifyCS.VerifyAsync("""
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Booker
            {
                public DurableAgentOptions Options => new()
                {
                    OnApprovalRequested = (pending, ct) => System.IO.File.AppendAllTextAsync("log", DateTime.UtcNow.ToString(), ct),
                };
            }
            """);
    }

    [Test]
    public async Task ADelegatePropertyWithoutTheAttributeIsStillDurableCode()
    {
        // OnUpdate runs live and again on replay (with the journaled response): not a step, so I/O there is reported.
        await VerifyCS.VerifyWithReferencesAsync("""
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Streamer : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options)
                {
                    options.OnUpdate = update => {|#0:System.IO.File.AppendAllText("stream.log", "x")|};
                }
            }
            """,
            TestSources.RealAi,
            Io(0, "File.AppendAllText", "Streamer.Configure"));
    }

    [Test]
    public async Task ANewAnnotatedApiIsRecognisedWithoutAnalyzerChanges()
    {
        // A library type the analyzers have never heard of: the attribute alone makes its delegates steps.
        var library = TestSources.Library("Scheduling", """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using DurableAgents;

            namespace Scheduling
            {
                public static class Later
                {
                    public static Task Run(IContext ctx, [RunsInDurableStep] Func<CancellationToken, Task> work) => ctx.RunAsync("later", work).AsTask();
                    public static Task Plain(IContext ctx, Func<CancellationToken, Task> work) => work(CancellationToken.None);
                }

                public sealed class Hooks
                {
                    [RunsInDurableStep] public Func<Task>? OnDone { get; set; }
                    public Func<Task>? OnEveryAttempt { get; set; }
                }
            }
            """, []);
        await VerifyCS.VerifyWithReferencesAsync("""
            using Scheduling;

            [Service]
            public partial class Jobs
            {
                [Handler]
                public async Task Run(IContext ctx)
                {
                    await Later.Run(ctx, ct => System.IO.File.WriteAllTextAsync("a", DateTime.UtcNow.ToString(), ct));
                    await Later.Plain(ctx, ct => {|#0:System.IO.File.WriteAllTextAsync("b", "", ct)|});
                    var hooks = new Hooks
                    {
                        OnDone = () => System.IO.File.WriteAllTextAsync("c", DateTime.UtcNow.ToString()),
                        OnEveryAttempt = () => Task.FromResult({|#1:DateTime.UtcNow|}),
                    };
                    await hooks.OnDone!();
                }
            }
            """,
            [library],
            Io(0, "File.WriteAllTextAsync", "Jobs.Run"),
            Clock(1, "DateTime.UtcNow", "Jobs.Run"));
    }

    [Test]
    public async Task FromStepRunsTheReturnedBodyInAStepAndTheBinderOnEveryAttempt()
    {
        await VerifyCS.VerifyAsync("""
            using System.Text.Json;
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Files : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options)
                {
                    options.Tools.Add(DurableTool.FromStep("read", "Reads a file.", "{}", false, (ctx, args) =>
                    {
                        var stamp = {|#0:DateTime.UtcNow|};
                        return async ct =>
                        {
                            var text = await System.IO.File.ReadAllTextAsync(args.GetProperty("path").GetString()!, ct);
                            return JsonSerializer.SerializeToElement(text + DateTime.UtcNow + stamp);
                        };
                    }));
                }
            }
            """,
            Clock(0, "DateTime.UtcNow", "Files.Configure"));
    }

    [Test]
    public async Task DelegatesInsideAFromFunctionArgumentRunInTheToolStep()
    {
        await VerifyCS.VerifyWithReferencesAsync("""
            using DurableAgents.Agents;
            using Microsoft.Extensions.AI;

            [DurableAgent]
            public partial class Files : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options)
                {
                    options.Tools.Add(DurableTool.FromFunction(AIFunctionFactory.Create((string path) => System.IO.File.ReadAllText(path), "read_file")));
                    options.Tools.Add(DurableTool.FromFunction(AIFunctionFactory.Create(Stamp, "stamp")));
                }

                private static string Stamp() => DateTime.UtcNow.ToString("O");
            }
            """,
            TestSources.RealAi);
    }

    [Test]
    public async Task ContextRulesSeeTheSameStepsCapturedWriteInOnApprovalRequested()
    {
        await VerifyContext.VerifyAsync("""
            using DurableAgents.Agents;

            [DurableAgent]
            public partial class Booker : IConfigureDurableAgent
            {
                public void Configure(DurableAgentOptions options)
                {
                    var notified = 0;
                    options.OnApprovalRequested = (pending, ct) =>
                    {
                        {|#0:notified|}++;
                        return Task.CompletedTask;
                    };
                    options.MaxTurns = notified + 5;
                }
            }
            """,
            VerifyContext.Diagnostic(RuleIds.CapturedVariableMutatedInsideStep).WithLocation(0).WithArguments("notified"));
    }
}
