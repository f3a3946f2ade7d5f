using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Context.CatchAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Context;

/// <summary>DA3005: catch clauses around durable awaits that swallow InvocationClosedException or CancelledException.</summary>
public class CatchFilterTests
{
    private const string Both = "InvocationClosedException and CancelledException";
    private const string BothPattern = "(InvocationClosedException or CancelledException)";

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult SwallowsBoth(int location) =>
        VerifyCS.Diagnostic(RuleIds.CatchSwallowsSdkExceptions).WithLocation(location).WithArguments(Both, BothPattern);

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Swallows(int location, string name) =>
        VerifyCS.Diagnostic(RuleIds.CatchSwallowsSdkExceptions).WithLocation(location).WithArguments(name, name);

    [Test]
    public async Task WithoutTheRuntimeNothingIsReported()
    {
        await VerifyCS.VerifyWithoutRuntimeAsync("""
            public class Plain
            {
                public async Task Fire() { try { await Task.Yield(); } catch { } }
            }
            """);
    }

    [Test]
    public async Task CatchAllsWithoutRethrowAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx, bool flag)
                {
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } {|#0:catch|} { }
                    try { await ctx.RunAsync("x", ct => Task.FromResult(1)); } catch {|#1:(Exception e)|} { Console.WriteLine(e); }
                    try { await Helper(ctx); } catch {|#2:(Exception)|} { return 0; }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#3:(Exception)|} { if (flag) throw; }
                    for (var i = 0; i < 3; i++)
                    {
                        try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); break; } catch {|#4:(Exception)|} { continue; }
                    }

                    return 1;
                }

                private static Task Helper(IContext ctx) => Task.CompletedTask;
            }
            """,
            SwallowsBoth(0),
            SwallowsBoth(1),
            SwallowsBoth(2),
            SwallowsBoth(3),
            SwallowsBoth(4));
    }

    [Test]
    public async Task FiltersThatDoNotExcludeTheSdkExceptionsAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task Run(IContext ctx)
                {
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#0:(Exception e)|} when (e is not OperationCanceledException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#1:(Exception e)|} when (Log(e)) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#2:(Exception)|} when (true) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#3:(Exception e)|} when (e is not TerminalException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#4:(Exception e)|} when (e is not InvocationClosedException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#5:(Exception e)|} when (e is TerminalException { Code: 409 } || e.Message.Length > 0) { }
                }

                private static bool Log(Exception e) => false;
            }
            """,
            SwallowsBoth(0),
            SwallowsBoth(1),
            SwallowsBoth(2),
            Swallows(3, "InvocationClosedException"),
            Swallows(4, "CancelledException"),
            SwallowsBoth(5));
    }

    [Test]
    public async Task TerminalAndSdkExceptionCatchesWithoutRethrowAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<string> Run(IContext ctx)
                {
                    try { await ctx.RunAsync("pay", ct => Task.FromResult(1)); }
                    catch {|#0:(TerminalException)|} { await ctx.RunAsync("refund", ct => Task.FromResult(2)); }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#1:(CancelledException)|} { return "cancelled"; }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#2:(InvocationClosedException)|} { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch {|#3:(Exception e)|} { throw new InvalidOperationException("wrapped", e); }
                    return "done";
                }
            }
            """,
            Swallows(0, "CancelledException"),
            Swallows(1, "CancelledException"),
            Swallows(2, "InvocationClosedException"),
            Swallows(3, "CancelledException"));
    }

    [Test]
    public async Task DurableAwaitsReachedThroughFuturesAndLocalFunctionsCount()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task Run(IContext ctx)
                {
                    var future = ctx.RunAsync("n", ct => Task.FromResult(1));
                    try { await future.AsTask(); } {|#0:catch|} { }
                    try { await future; } {|#1:catch|} { }
                    try { await Nap(); } {|#2:catch|} { }

                    async Task Nap() => await ctx.SleepAsync(TimeSpan.FromSeconds(1));
                }
            }
            """,
            SwallowsBoth(0),
            SwallowsBoth(1),
            SwallowsBoth(2));
    }

    [Test]
    public async Task FiltersThatExcludeTheSdkExceptionsAreFine()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task Run(IContext ctx)
                {
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) when (e is not InvocationClosedException and not CancelledException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) when (e is not (InvocationClosedException or TerminalException)) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) when (e is not InvocationClosedException && e is not TerminalException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) when (!(e is InvocationClosedException || e is CancelledException)) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) when (e is TimeoutException or ArgumentException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (TerminalException e) when (e is not CancelledException) { }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) when (e is InvalidOperationException && DateTime.UtcNow.Year > 2000) { }
                }
            }
            """);
    }

    [Test]
    public async Task CatchesThatRethrowOrCannotSeeTheSdkExceptionsAreFine()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception) { throw; }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) { Console.WriteLine(e); throw; }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) { throw new TerminalException("failed: " + e.Message); }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw(); }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) { if (e is InvocationClosedException or CancelledException) throw; Console.WriteLine(e); }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (Exception e) { if (e is InvocationClosedException || e is TerminalException) { throw; } else { Console.WriteLine(e); } }
                    try { await ctx.RunAsync("pay", ct => Task.FromResult(1)); } catch (TerminalException) { await ctx.RunAsync("refund", ct => Task.FromResult(2)); throw; }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (InvocationClosedException) { throw; } catch (CancelledException) { throw; } catch (Exception e) { Console.WriteLine(e); }
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch (OperationCanceledException) { } catch (System.Net.Http.HttpRequestException) { } catch (SystemException) { }
                    try { int.Parse("x"); } catch (Exception) { }
                    return 1;
                }
            }
            """);
    }

    [Test]
    public async Task CatchesInsideStepBodiesAndToolsAreTheStepsOwnBusiness()
    {
        await VerifyCS.VerifyAsync("""
            [Service]
            public partial class Svc
            {
                [Handler]
                public async Task<int> Run(IContext ctx)
                {
                    return await ctx.RunAsync("step", async ct =>
                    {
                        try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch { }
                        return 1;
                    });
                }
            }

            [DurableAgent]
            public partial class Agent
            {
                [DurableTool(Description = "x")]
                public async Task<int> Tool(IContext ctx)
                {
                    try { await ctx.SleepAsync(TimeSpan.FromSeconds(1)); } catch { }
                    return 1;
                }
            }
            """);
    }
}
