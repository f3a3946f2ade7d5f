using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DurableAgents.Streaming;

namespace DurableAgents.Clients;

/// <summary>
/// Watches agent runs through a service's stream endpoint (<c>app.MapDurableAgentStreams()</c>):
/// <c>await foreach (var e in client.StreamAsync(runId, lastEventId))</c>. The client reconnects with
/// <c>Last-Event-ID</c> when the connection drops or the server ends a long stream, so a caller sees every event of the
/// run once, in order, until the run's terminal event. <see cref="HttpClient.BaseAddress"/> must be the stream prefix
/// (for example <c>http://service:9081/runs/</c>).
/// </summary>
public sealed class RunStreamClient
{
    /// <summary>The largest SSE event accepted (bytes of its data lines); a larger one fails the stream.</summary>
    public const int MaxEventSize = 4 * 1024 * 1024;

    private readonly HttpClient _http;

    /// <summary>Creates a client over <paramref name="http"/> (not disposed by this client); set an infinite <see cref="HttpClient.Timeout"/> for long runs.</summary>
    public RunStreamClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <summary>How many reconnects in a row without a new event are tried before the stream fails.</summary>
    public int MaxReconnects { get; init; } = 10;

    /// <summary>The pause before a reconnect (doubles per attempt without progress, up to 10 s).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The events of run <paramref name="runId"/> after <paramref name="lastEventId"/> (0 or null: from the first), in
    /// order, ending after <c>run_finished</c> or <c>run_failed</c>.
    /// </summary>
    /// <exception cref="RunStreamException">The server refused the stream, or it failed <see cref="MaxReconnects"/> times in a row.</exception>
    public async IAsyncEnumerable<RunEvent> StreamAsync(string runId, long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var last = lastEventId ?? 0;
        var failures = 0;
        while (true)
        {
            var progressed = false;
            var ended = false;
            Exception? error = null;
            await using (var reader = await ConnectAsync(runId, last, cancellationToken).ConfigureAwait(false))
            {
                while (true)
                {
                    RunEvent? next;
                    try
                    {
                        next = await reader.NextAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        error = e;
                        break;
                    }

                    if (next is null)
                    {
                        break;
                    }

                    if (next.Seq <= last)
                    {
                        continue;
                    }

                    last = next.Seq;
                    progressed = true;
                    yield return next;
                    if (RunEventTypes.IsTerminal(next.Type))
                    {
                        ended = true;
                        break;
                    }
                }
            }

            if (ended)
            {
                yield break;
            }

            failures = progressed ? 0 : failures + 1;
            if (failures > MaxReconnects)
            {
                throw new RunStreamException($"The stream of run '{runId}' failed {failures} times in a row without a new event.", error);
            }

            var pause = TimeSpan.FromTicks(Math.Min(ReconnectDelay.Ticks << Math.Min(failures, 6), TimeSpan.FromSeconds(10).Ticks));
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SseReader> ConnectAsync(string runId, long last, CancellationToken cancellationToken)
    {
        var uri = ClientSupport.Resolve(_http, Uri.EscapeDataString(runId) + "/events", "stream");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (last > 0)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return SseReader.Empty;
        }

        if ((int)response.StatusCode is >= 400 and < 500)
        {
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new RunStreamException($"The stream of run '{runId}' was refused ({(int)response.StatusCode}): {body}", null);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            return SseReader.Empty;
        }

        return new SseReader(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads <c>data:</c> events of one SSE response as <see cref="RunEvent"/>s.</summary>
    private sealed class SseReader : IAsyncDisposable
    {
        public static readonly SseReader Empty = new(null, null);

        private readonly HttpResponseMessage? _response;
        private readonly StreamReader? _reader;

        public SseReader(HttpResponseMessage? response, Stream? stream)
        {
            _response = response;
            _reader = stream is null ? null : new StreamReader(stream, Encoding.UTF8);
        }

        public async Task<RunEvent?> NextAsync(CancellationToken cancellationToken)
        {
            if (_reader is null)
            {
                return null;
            }

            var data = new StringBuilder();
            string? eventName = null;
            while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0 && eventName is null or "message")
                    {
                        return JsonSerializer.Deserialize(data.ToString(), RunEventJsonContext.Default.RunEvent);
                    }

                    data.Clear();
                    eventName = null;
                    continue;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
                    if (data.Length > MaxEventSize)
                    {
                        throw new RunStreamException($"An event of the stream is larger than {MaxEventSize} bytes.", null);
                    }
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    eventName = line[6..].Trim();
                }
            }

            return null;
        }

        public ValueTask DisposeAsync()
        {
            _reader?.Dispose();
            _response?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
