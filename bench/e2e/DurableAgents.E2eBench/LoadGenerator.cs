using System.Diagnostics;
using System.Net.Http.Headers;

namespace DurableAgents.E2eBench;

/// <summary>One closed-loop measurement: <c>Concurrency</c> workers, each sending the next request when the last answered.</summary>
internal sealed record LoadResult(int Completed, int Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double Throughput => Completed / Seconds;
}

/// <summary>A closed-loop HTTP load generator (HTTP/1.1, one connection per worker, like wrk).</summary>
internal sealed class LoadGenerator : IDisposable
{
    private readonly HttpClient _http;

    public LoadGenerator(int maxConnections)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = System.Net.HttpVersion.Version11,
        };
    }

    public string? LastError { get; private set; }

    /// <summary>Sends one request and reports whether it succeeded (2xx).</summary>
    public async Task<bool> SendAsync(Uri uri, byte[] body, CancellationToken cancellationToken = default)
    {
        // an empty body goes without a content type (Restate rejects one for handlers without input)
        using var content = body.Length == 0 ? null : new ByteArrayContent(body);
        content?.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await _http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                LastError = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}";
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            LastError = e.Message;
            return false;
        }
    }

    /// <summary>Runs <paramref name="concurrency"/> workers for <paramref name="duration"/>; in-flight requests finish before it returns.</summary>
    public async Task<LoadResult> RunAsync(Uri uri, byte[] body, int concurrency, TimeSpan duration)
    {
        var stop = 0;
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var sw = Stopwatch.StartNew();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var mine = latencies[w] = new List<double>(4096);
            workers[w] = Task.Run(async () =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    if (await SendAsync(uri, body).ConfigureAwait(false))
                    {
                        mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                        await Task.Delay(10).ConfigureAwait(false);
                    }
                }
            });
        }

        await Task.Delay(duration).ConfigureAwait(false);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = sw.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public void Dispose() => _http.Dispose();
}
