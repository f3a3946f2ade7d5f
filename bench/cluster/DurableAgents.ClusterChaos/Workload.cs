using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace DurableAgents.ClusterChaos;

/// <summary>
/// Submits runs through the ingress of a live node (send with an idempotency key: a retry after a lost answer is the
/// same run), then attaches until the result arrives, switching nodes whenever one fails under a request.
/// </summary>
public sealed class Workload
{
    private const int MaxBodyChars = 64 * 1024;
    private readonly HttpClient _http;
    private readonly IReadOnlyList<RestateNode> _nodes;
    private readonly ChaosSettings _settings;
    private readonly SemaphoreSlim _sends = new(32);

    /// <summary>Creates a workload against <paramref name="nodes"/>.</summary>
    public Workload(HttpClient http, IReadOnlyList<RestateNode> nodes, ChaosSettings settings)
    {
        _http = http;
        _nodes = nodes;
        _settings = settings;
    }

    /// <summary>Runs workflow <paramref name="i"/> (<see cref="ChaosSettings.Steps"/> steps) to its result or the deadline.</summary>
    public Task<RunRecord> RunWorkflowAsync(int i, DateTime deadline)
    {
        var id = $"wf-{i}";
        var body = new JsonObject { ["steps"] = _settings.Steps, ["stepMs"] = _settings.StepMs, ["sabotage"] = _settings.Sabotage }.ToJsonString();
        var expected = (_settings.Steps * (_settings.Steps + 1) / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return RunAsync(new RunRecord { Id = id, Kind = "workflow" }, $"ChaosWorkflow/{id}/run/send", body, null,
            $"restate/workflow/ChaosWorkflow/{id}/attach", output => output.Trim() == expected, deadline);
    }

    /// <summary>Runs agent run <paramref name="i"/> to its result or the deadline.</summary>
    public Task<RunRecord> RunAgentAsync(int i, DateTime deadline)
    {
        var id = $"agent-{i}";
        var body = JsonValue.Create($"{id}: look up the facts, then answer.").ToJsonString();
        return RunAsync(new RunRecord { Id = id, Kind = "agent" }, "ChaosAgent/run/send", body, id,
            $"restate/invocation/ChaosAgent/run/{id}/attach", output => AgentDone(output, id), deadline);
    }

    private static bool AgentDone(string output, string id)
    {
        try
        {
            return JsonNode.Parse(output)?["text"]?.ToString() == $"done {id}";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private async Task<RunRecord> RunAsync(RunRecord run, string sendPath, string body, string? idempotencyKey, string attachPath, Func<string, bool> check, DateTime deadline)
    {
        run.SubmittedTicks = DateTime.UtcNow.Ticks;
        await _sends.WaitAsync();
        try
        {
            while (true)
            {
                run.SendAttempts++;
                var node = await PickNodeAsync(deadline);
                if (node is null)
                {
                    run.Detail = "deadline before the send was accepted; " + run.Detail;
                    return run;
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.IngressUri, sendPath))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                if (idempotencyKey is not null)
                {
                    request.Headers.Add("idempotency-key", idempotencyKey);
                }

                var (status, text) = await TryAsync(request, TimeSpan.FromSeconds(10));
                // 409: the workflow key was already accepted (by an attempt whose answer was lost).
                if (status is >= 200 and < 300 or (int)HttpStatusCode.Conflict)
                {
                    break;
                }

                run.Detail = $"send via node {node.Index}: {status} {text}";
                await Task.Delay(200);
            }
        }
        finally
        {
            _sends.Release();
        }

        while (true)
        {
            run.AttachAttempts++;
            var node = await PickNodeAsync(deadline);
            if (node is null)
            {
                run.Detail = "lost: no result before the deadline; last: " + run.Detail;
                return run;
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.IngressUri, attachPath));
            var (status, text) = await TryAsync(request, TimeSpan.FromSeconds(60));
            if (status == 200)
            {
                run.CompletedTicks = DateTime.UtcNow.Ticks;
                run.Ok = check(text);
                run.Detail = text;
                return run;
            }

            run.Detail = $"attach via node {node.Index}: {status} {text}";
            await Task.Delay(200);
        }
    }

    private async Task<(int Status, string Text)> TryAsync(HttpRequestMessage request, TimeSpan timeout)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            using var response = await _http.SendAsync(request, cts.Token);
            var text = await response.Content.ReadAsStringAsync(cts.Token);
            return ((int)response.StatusCode, text.Length > MaxBodyChars ? text[..MaxBodyChars] : text);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (0, e.GetType().Name + ": " + e.Message);
        }
    }

    private async Task<RestateNode?> PickNodeAsync(DateTime deadline)
    {
        while (DateTime.UtcNow < deadline)
        {
            var up = _nodes.Where(n => n.Up).ToList();
            if (up.Count > 0)
            {
                return up[Random.Shared.Next(up.Count)];
            }

            await Task.Delay(100);
        }

        return null;
    }
}
