using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Hosting;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// Failures injected inside steps: retry backoff follows the step's <see cref="RetryPolicy"/> (attempt times taken
/// from the side effects), exhaustion becomes a terminal failure that reaches the caller, terminal errors run
/// exactly once; and cancellation reaches an invocation waiting in a sleep (live and suspended), a call and an
/// awakeable, whose caller then sees 409.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetryAndCancelTests
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<long>> Attempts = new();
    private static readonly ConcurrentDictionary<string, bool> Started = new();
    private static readonly ConcurrentDictionary<string, string> AwakeableIds = new();

    private RestateServer _server = null!;
    private RestateHost _host = null!;
    private HttpClient _http = null!;
    private HttpClient _adminHttp = null!;
    private IngressClient _ingress = null!;
    private AdminClient _admin = null!;

    private static Task<T> Attempt<T>(string key, Func<int, T> body)
    {
        var q = Attempts.GetOrAdd(key, _ => new ConcurrentQueue<long>());
        q.Enqueue(Stopwatch.GetTimestamp());
        return Task.FromResult(body(q.Count));
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await RestateServer.StartAsync(new RestateServerOptions
        {
            // Invocations waiting without traffic suspend after 1 s (to cancel a suspended invocation too).
            Environment = new Dictionary<string, string> { ["RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT"] = "1s" },
        });
        _host = await RestateHost.StartAsync(0, o => o
            .Bind(Service("Flaky",
                Handler<string, string>("exhaust", async (ctx, key) => await ctx.RunAsync("charge",
                    _ => Attempt<string>(key, n => throw new InvalidOperationException($"gateway down (attempt {n})")),
                    new RunOptions { RetryPolicy = RetryPolicy.Exponential(TimeSpan.FromMilliseconds(200), 2.0, maxAttempts: 4) })),
                Handler<string, string>("recover", async (ctx, key) => await ctx.RunAsync("charge",
                    _ => Attempt(key, n => n < 3 ? throw new InvalidOperationException($"flaky (attempt {n})") : $"ok after {n}"),
                    new RunOptions { RetryPolicy = RetryPolicy.Exponential(TimeSpan.FromMilliseconds(300), 1.0, maxAttempts: 5) })),
                Handler<string, string>("terminalInRun", async (ctx, key) => await ctx.RunAsync("charge",
                    _ => Attempt<string>(key, _ => throw new TerminalException("card declined", 402)))),
                Handler<string, string>("terminalInHandler", (ctx, key) => Attempt<string>(key, _ => throw new TerminalException("bad order", 422)))))
            .Bind(Service("Waits",
                Handler<string, string>("sleep", async (ctx, key) =>
                {
                    Started[key] = true;
                    await ctx.SleepAsync(TimeSpan.FromMinutes(10));
                    return "woke";
                }),
                Handler<string, string>("call", async (ctx, key) =>
                {
                    Started[key] = true;
                    return await ctx.CallAsync<string, string>(CallTarget.ForService("Waits", "sleep"), key + "-callee");
                }),
                Handler<string, string>("awakeable", async (ctx, key) =>
                {
                    var a = ctx.Awakeable<string>();
                    AwakeableIds[key] = a.Id;
                    Started[key] = true;
                    return await a.Value;
                }))));
        await _server.RegisterAsync(_host.Uri);
        _http = new HttpClient { BaseAddress = _server.IngressUri, Timeout = TimeSpan.FromSeconds(60) };
        _adminHttp = new HttpClient { BaseAddress = _server.AdminUri, Timeout = TimeSpan.FromSeconds(30) };
        _ingress = new IngressClient(_http);
        _admin = new AdminClient(_adminHttp);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        _adminHttp.Dispose();
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static double[] Gaps(string key)
    {
        var t = Attempts[key].ToArray();
        return t.Zip(t.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToArray();
    }

    private static void AssertGaps(double[] gaps, double[] expected, string what)
    {
        Assert.That(gaps, Has.Length.EqualTo(expected.Length), what);
        for (var i = 0; i < gaps.Length; i++)
        {
            // Never early (timer granularity aside); late by at most a replay round trip on a busy 2-core machine.
            Assert.That(gaps[i], Is.InRange(expected[i] - 25, expected[i] + 750), $"{what}: delay before retry {i + 1} (all: {string.Join(", ", gaps.Select(g => g.ToString("F0", CultureInfo.InvariantCulture)))} ms)");
        }
    }

    private static string Ms(double[] gaps) => string.Join("/", gaps.Select(g => g.ToString("F0", CultureInfo.InvariantCulture)));

    [Test]
    public async Task Exponential_backoff_follows_the_policy_and_exhaustion_is_a_terminal_failure_for_the_caller()
    {
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.CallRawAsync(CallTarget.ForService("Flaky", "exhaust"), Encoding.UTF8.GetBytes("\"exhaust\"")));
        sw.Stop();
        Assert.That(e!.StatusCode, Is.EqualTo(500), e.Message);
        Assert.That(e.Source, Is.EqualTo("invocation"));
        Assert.That(e.RestateMessage, Does.Contain("failed after 4 attempt(s)").And.Contain("gateway down (attempt 4)"));
        var gaps = Gaps("exhaust");
        AssertGaps(gaps, [200, 400, 800], "exponential 200 ms ×2, 4 attempts");

        // Journaled: the failure is final, nothing runs again.
        await Task.Delay(1000);
        Assert.That(Attempts["exhaust"], Has.Count.EqualTo(4));
        FaultSettings.Record("Run retry: exponential backoff, exhausted", "policy 200 ms ×2, max 4 attempts",
            "step throws a retryable exception every time", $"4 attempts, delays {Ms(gaps)} ms (expected 200/400/800); terminal 500 reached the caller", sw.Elapsed);
    }

    [Test]
    public async Task Fixed_backoff_retries_until_the_step_succeeds()
    {
        var sw = Stopwatch.StartNew();
        var output = await _ingress.CallRawAsync(CallTarget.ForService("Flaky", "recover"), Encoding.UTF8.GetBytes("\"recover\""));
        sw.Stop();
        Assert.That(Encoding.UTF8.GetString(output), Is.EqualTo("\"ok after 3\""));
        var gaps = Gaps("recover");
        AssertGaps(gaps, [300, 300], "fixed 300 ms");
        FaultSettings.Record("Run retry: fixed backoff, recovers", "policy 300 ms ×1, max 5 attempts",
            "step fails twice, then succeeds", $"3 attempts, delays {Ms(gaps)} ms (expected 300/300); right output", sw.Elapsed);
    }

    [Test]
    public async Task Terminal_errors_are_not_retried()
    {
        var sw = Stopwatch.StartNew();
        var inRun = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.CallRawAsync(CallTarget.ForService("Flaky", "terminalInRun"), Encoding.UTF8.GetBytes("\"t-run\"")));
        var inHandler = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.CallRawAsync(CallTarget.ForService("Flaky", "terminalInHandler"), Encoding.UTF8.GetBytes("\"t-handler\"")));
        Assert.That(inRun!.StatusCode, Is.EqualTo(402));
        Assert.That(inRun.RestateMessage, Does.Contain("card declined"));
        Assert.That(inHandler!.StatusCode, Is.EqualTo(422));
        Assert.That(inHandler.RestateMessage, Does.Contain("bad order"));
        await Task.Delay(1500); // a retry would have happened by now
        sw.Stop();
        Assert.That(Attempts["t-run"], Has.Count.EqualTo(1), "a terminal failure inside a step runs once");
        Assert.That(Attempts["t-handler"], Has.Count.EqualTo(1), "a terminal failure of the handler runs once");
        FaultSettings.Record("Terminal errors", "2 invocations", "TerminalException in a step (402) and in the handler (422)",
            "each executed exactly once; caller got 402 / 422", sw.Elapsed);
    }

    private async Task CancelAsync(string handler, string key, bool waitForSuspension = false)
    {
        var sent = await _ingress.SendRawAsync(CallTarget.ForService("Waits", handler), Encoding.UTF8.GetBytes($"\"{key}\""));
        await CrashTests.WaitForAsync(() => Started.ContainsKey(key), TimeSpan.FromSeconds(20), $"{key} to start");
        if (handler == "call")
        {
            await CrashTests.WaitForAsync(() => Started.ContainsKey(key + "-callee"), TimeSpan.FromSeconds(20), $"{key}'s callee to start");
        }

        if (waitForSuspension)
        {
            await CrashTests.WaitForAsync(async () => (await StatusAsync(sent.InvocationId)) == "suspended", TimeSpan.FromSeconds(20), $"{key} to suspend");
        }

        await _admin.CancelInvocationAsync(sent.InvocationId);
        var e = await Assert.ThrowsAsync<RestateIngressException>(() => _ingress.AttachRawAsync(sent.InvocationId));
        Assert.That(e!.StatusCode, Is.EqualTo(409), e.Message);
        Assert.That(e.Source, Is.EqualTo("invocation"));
    }

    private async Task<string?> StatusAsync(string invocationId)
    {
        var rows = await _admin.QueryAsync($"select status from sys_invocation where id = '{invocationId}'");
        return rows.Count == 0 ? null : (rows[0] as JsonObject)?["status"]?.ToString();
    }

    [Test]
    public async Task Cancel_reaches_sleeps_calls_and_awakeables_and_the_caller_sees_409()
    {
        var sw = Stopwatch.StartNew();
        await CancelAsync("sleep", "c-sleep");
        await CancelAsync("sleep", "c-sleep-suspended", waitForSuspension: true);
        await CancelAsync("call", "c-call");
        await CancelAsync("awakeable", "c-awakeable");
        await CancelAsync("awakeable", "c-awakeable-suspended", waitForSuspension: true);
        sw.Stop();
        FaultSettings.Record("Cancellation", "5 invocations", "admin cancel while in a sleep (live, suspended), a call, an awakeable (live, suspended)",
            "every caller got 409", sw.Elapsed);
    }
}
