using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Clients;
using DurableAgents.Serialization;
using DurableAgents.Streaming;
using DurableAgents.Testing;
using Microsoft.Extensions.AI;

namespace WeatherAgent;

/// <summary>
/// <c>--demo</c>: starts restate-server, runs this service as a child process, invokes the agent, kills the service with
/// SIGKILL once the tool steps are journaled and turn 2 is in flight, restarts it, and shows the run finishing without
/// calling the model again for turn 1 nor running the tools again.
/// </summary>
internal static class Demo
{
    public static void Log(string line) => Console.WriteLine($"[service pid {Environment.ProcessId}] {line}");

    private static void Say(string line) => Console.WriteLine("[demo] " + line);

    public static async Task<int> RunAsync(string question)
    {
        Say("starting restate-server (node_modules/@restatedev/restate-server) on free ports ...");
        await using var server = await RestateServer.StartAsync();
        Say($"restate-server is up: ingress {server.IngressUri}, admin {server.AdminUri}");

        var ports = RestateServer.FreePorts(2);
        var port = ports[0];
        Web = (ports[1], server.IngressUri);
        var turn2Started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = StartService(port, slowTurn2: true, line =>
        {
            if (line.Contains("model call #2", StringComparison.Ordinal))
            {
                turn2Started.TrySetResult();
            }
        });
        await WaitForPortAsync(port);
        Say($"WeatherAgent service started (pid {first.Id}) on http://127.0.0.1:{port}; registering it");
        await server.RegisterAsync(new Uri($"http://127.0.0.1:{port}/"));

        Say($"POST /WeatherAgent/run/send \"{question}\"");
        using var send = await server.Http.PostAsync(new Uri(server.IngressUri, "WeatherAgent/run/send"), JsonContent.Create(question, BuiltInJsonContext.Default.String));
        var invocationId = JsonNode.Parse(await send.Content.ReadAsStringAsync())!["invocationId"]!.ToString();
        Say($"invocation {invocationId} accepted; watching its live stream on http://127.0.0.1:{Web.Port}/runs/{invocationId}/events");
        var stream = WatchAsync(invocationId);

        await turn2Started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Say($"turn 1 and the tool steps are journaled, turn 2 is in flight: kill -9 {first.Id}");
        var killedAt = DateTimeOffset.UtcNow;
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        Say("service killed. Restarting it; Restate retries the invocation and replays the journal.");

        using var second = StartService(port, slowTurn2: false, _ => { });
        await WaitForPortAsync(port);
        Say($"WeatherAgent service restarted (pid {second.Id})");

        using var attach = await server.Http.GetAsync(new Uri(server.IngressUri, $"restate/invocation/{invocationId}/attach"));
        var body = await attach.Content.ReadAsStringAsync();
        if (!attach.IsSuccessStatusCode)
        {
            Say($"the run failed: {(int)attach.StatusCode} {body}");
            return 1;
        }

        await stream.WaitAsync(TimeSpan.FromSeconds(30));
        var answer = JsonNode.Parse(body)!;
        Say($"answer: {answer["text"]}");
        Say($"turns: {answer["turns"]}, tool calls: {answer["toolCalls"]}, model: {answer["modelId"]}");
        Say($"process 1 (pid {first.Id}) called the model for turn 1 and started turn 2; process 2 (pid {second.Id}) called it for turn 2 only:");
        Say("turn 1 and both get_weather calls were replayed from the journal, not paid for or run again.");
        await PrintJournalAsync(server, invocationId, killedAt);
        second.Kill(entireProcessTree: true);
        await second.WaitForExitAsync();
        return 0;
    }

    /// <summary>
    /// Prints the invocation's journal as Restate stored it (<c>sys_journal</c> through the admin SQL API): entries
    /// appended before the kill were replayed to process 2 (their closures did not run again), the others were run by
    /// process 2.
    /// </summary>
    private static async Task PrintJournalAsync(RestateServer server, string invocationId, DateTimeOffset killedAt)
    {
        var journal = await server.Admin.GetJournalAsync(invocationId);
        if (journal.Count == 0)
        {
            Say($"the journal of {invocationId} is not retained by restate-server, so it cannot be shown");
            return;
        }

        Say($"the journal of {invocationId} (restate-server's sys_journal table, through AdminClient.GetJournalAsync):");
        Say($"  {"index",5}  {"entry type",-24} {"name",-28} {"completed",-9}  appended");
        foreach (var e in journal)
        {
            var completed = e.Completed switch { true => "yes", false => "no", null => "-" };
            var who = e.Index == 0 ? "with the request (ingress)"
                : e.AppendedAt is not { } at ? "?"
                : at < killedAt ? "before the kill: replayed to process 2"
                : "after the kill: run by process 2";
            Say($"  {e.Index,5}  {Truncate(e.EntryType, 24),-24} {Truncate(e.Name ?? "", 28),-28} {completed,-9}  {who}");
        }
    }

    /// <summary>The service's HTTP/1.1 port (page and streams) and the ingress it publishes to.</summary>
    private static (int Port, Uri Ingress) Web { get; set; }

    /// <summary>
    /// Prints the run's events as they arrive (RunStreamClient). The stream outlives the kill: the client reconnects to
    /// the restarted service with Last-Event-ID and goes on where it stopped.
    /// </summary>
    private static async Task WatchAsync(string runId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Web.Port}/runs/"), Timeout = Timeout.InfiniteTimeSpan };
        var client = new RunStreamClient(http) { MaxReconnects = 100 };
        try
        {
            await foreach (var e in client.StreamAsync(runId))
            {
                var detail = e.Type switch
                {
                    RunEventTypes.RunStarted => $"{e.Agent}: {e.Text}",
                    RunEventTypes.TextDelta => $"{e.Step} attempt {e.Attempt}: \"{e.Text}\"",
                    RunEventTypes.StepRestarted => $"{e.Step} restarted (attempt {e.Attempt}): discard its text so far",
                    RunEventTypes.MessageCompleted => $"{e.Step} journaled ({e.Text?.Length ?? 0} characters)",
                    RunEventTypes.ToolCallStarted => $"{e.ToolName}({e.Arguments?.GetRawText()})",
                    RunEventTypes.ToolCallFinished => $"{e.ToolName} -> {e.Result}",
                    RunEventTypes.ApprovalRequested or RunEventTypes.ApprovalDecided => $"{e.ToolName} {e.ApprovalId} {e.Approved}",
                    RunEventTypes.RunFinished => e.Text ?? "",
                    RunEventTypes.RunFailed => $"{e.Code} {e.Error}",
                    _ => "",
                };
                Console.WriteLine($"[stream] #{e.Seq} {e.Type} {detail}");
            }
        }
        catch (RunStreamException e)
        {
            Say("the live stream ended: " + e.Message);
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static Process StartService(int port, bool slowTurn2, Action<string> onLine)
    {
        // Start the service the way this process was started: the executable itself (the apphost of `dotnet run`, or
        // the Native AOT binary, which has no .dll), or `dotnet WeatherAgent.dll`.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WeatherAgent.dll"));
        }

        info.ArgumentList.Add("--serve");
        info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["WEATHER_DEMO_SLOW_TURN2"] = slowTurn2 ? "1" : "0";
        info.Environment["WEB_PORT"] = Web.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RESTATE_INGRESS_URL"] = Web.Ingress.ToString();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith("[service", StringComparison.Ordinal))
            {
                Console.WriteLine(line);
                onLine(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("[service stderr] " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"The service did not listen on {port}.");
    }
}

/// <summary>Logs every real model call (a replayed turn is not a call: it never reaches this client).</summary>
internal sealed class ModelCallLog(IChatClient inner, bool slowTurn2) : DelegatingChatClient(inner)
{
    private int _calls;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var n = Interlocked.Increment(ref _calls);
        var turn = 1 + list.Count(m => m.Role == ChatRole.Tool);
        Demo.Log($"model call #{n} in this process (turn {turn} of the run)");
        if (slowTurn2 && turn == 2)
        {
            Demo.Log("turn 2 is slow in this process: the demo kills it now");
            await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
        }

        var response = await base.GetResponseAsync(list, options, cancellationToken);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        var sb = new StringBuilder();
        foreach (var c in calls)
        {
            sb.Append(sb.Length == 0 ? "" : ", ").Append(c.Name).Append('(').Append(string.Join(", ", c.Arguments?.Values.Select(v => v?.ToString()) ?? [])).Append(')');
        }

        Demo.Log(calls.Count > 0 ? $"model answered turn {turn} with tool calls: {sb}" : $"model answered turn {turn}: {response.Text}");
        return response;
    }
}
