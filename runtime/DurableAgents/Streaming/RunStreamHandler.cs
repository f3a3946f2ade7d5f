using System.Globalization;
using System.Text;
using System.Text.Json;
using DurableAgents.Clients;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Streaming;

/// <summary>
/// Serves one run's log as Server-Sent Events. It reads the log through the Restate ingress (so any replica serves any
/// run), page by page, polling with backoff while the run is quiet; writes a heartbeat comment when idle; and ends after
/// the run's terminal event, after <see cref="DurableAgentStreamOptions.MaxStreamDuration"/> (the client reconnects with
/// <c>Last-Event-ID</c>), or when a run's log stays empty past <see cref="DurableAgentStreamOptions.StartTimeout"/>.
/// </summary>
internal static class RunStreamHandler
{
    public static async Task StreamAsync(HttpContext http, RunStreamFormat format)
    {
        var runtime = http.RequestServices.GetRequiredService<RunStreamRuntime>();
        var runId = (string?)http.Request.RouteValues["runId"];
        if (!Internal.RestateIds.IsInvocationId(runId))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("The run id must be an invocation id (inv_1…).");
            return;
        }

        if (!TryResumePoint(http.Request, out var after))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("Last-Event-ID (or ?after=) must be a non-negative sequence number.");
            return;
        }

        if (!runtime.TryOpenStream())
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "5";
            return;
        }

        try
        {
            await ServeAsync(http, runtime, runId!, after, format);
        }
        finally
        {
            runtime.CloseStream();
        }
    }

    private static async Task ServeAsync(HttpContext http, RunStreamRuntime runtime, string runId, long after, RunStreamFormat format)
    {
        var options = runtime.Options;
        var ct = http.RequestAborted;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync("retry: 1000\n\n", ct);
        await http.Response.Body.FlushAsync(ct);

        var mapper = format == RunStreamFormat.AgUi ? new AgUiEventMapper(http.Request.Query["threadId"].FirstOrDefault()) : null;
        var position = mapper is null ? after : 0; // AG-UI: rebuild the mapper's state from the start, write only what is new
        var started = DateTime.UtcNow;
        var lastWrite = started;
        var delay = options.MinPollInterval;
        var text = new StringBuilder();
        while (!ct.IsCancellationRequested && DateTime.UtcNow - started < options.MaxStreamDuration)
        {
            RunEventPage page;
            try
            {
                page = await runtime.Ingress.CallAsync(RunEventStore.Target(RunEventStore.Read, runId), new RunEventQuery { After = position, Max = RunEventStore.MaxPage },
                    RunEventJsonContext.Default.RunEventQuery, RunEventJsonContext.Default.RunEventPage, cancellationToken: ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or RestateIngressException or TaskCanceledException)
            {
                runtime.Logger.LogDebug(e, "Reading the log of run {RunId} failed; retrying.", runId);
                page = new RunEventPage { LastSeq = -1 };
            }

            foreach (var e in page.Events)
            {
                if (e.Seq <= position)
                {
                    continue;
                }

                position = e.Seq;
                text.Clear();
                if (mapper is null)
                {
                    Frame(text, e.Seq, JsonSerializer.Serialize(e, RunEventJsonContext.Default.RunEvent));
                }
                else
                {
                    var frames = mapper.Map(e);
                    if (e.Seq <= after)
                    {
                        continue;
                    }

                    for (var i = 0; i < frames.Count; i++)
                    {
                        // The id goes on the last frame of a run event, so a reconnect resumes after the whole event.
                        Frame(text, i == frames.Count - 1 ? e.Seq : null, frames[i].ToJsonString());
                    }
                }

                if (text.Length > 0)
                {
                    await http.Response.WriteAsync(text.ToString(), ct);
                    lastWrite = DateTime.UtcNow;
                }
            }

            if (page.Events.Count > 0)
            {
                await http.Response.Body.FlushAsync(ct);
                delay = options.MinPollInterval;
            }

            if (page.Finished && position >= page.LastSeq)
            {
                return;
            }

            if (page.Events.Count == RunEventStore.MaxPage)
            {
                continue;
            }

            if (page.LastSeq == 0 && DateTime.UtcNow - started > options.StartTimeout)
            {
                await http.Response.WriteAsync("event: error\ndata: {\"message\":\"The run has no events (unknown run, or not started).\"}\n\n", ct);
                return;
            }

            if (DateTime.UtcNow - lastWrite >= options.HeartbeatInterval)
            {
                await http.Response.WriteAsync(": heartbeat\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                lastWrite = DateTime.UtcNow;
            }

            try
            {
                await Task.Delay(delay, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollInterval.Ticks));
        }
    }

    private static void Frame(StringBuilder text, long? id, string json)
    {
        if (id is { } seq)
        {
            text.Append("id: ").Append(seq.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("data: ").Append(json).Append("\n\n");
    }

    private static bool TryResumePoint(HttpRequest request, out long after)
    {
        after = 0;
        var raw = request.Headers["Last-Event-ID"].FirstOrDefault() ?? request.Query["after"].FirstOrDefault();
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out after) && after >= 0;
    }
}
