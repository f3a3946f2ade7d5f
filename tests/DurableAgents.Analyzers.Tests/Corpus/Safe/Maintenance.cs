using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Maintenance;

public sealed record CleanupRequest(string Bucket, int OlderThanDays, bool DryRun);

public sealed record CleanupResult(int Deleted, int Kept, IReadOnlyList<string> Errors);

public sealed record HealthReport(string Service, bool Healthy, long ProbeMilliseconds);

/// <summary>A small HTTP helper used only inside steps (library-style code, ConfigureAwait(false) is fine there).</summary>
internal static class StorageApi
{
    public static async Task<IReadOnlyList<string>> ListAsync(HttpClient http, string bucket, DateTimeOffset before, CancellationToken ct)
    {
        var json = await http.GetStringAsync($"https://storage.example/{bucket}?before={before:O}", ct).ConfigureAwait(false);
        return JsonSerializer.Deserialize(json, MaintenanceJson.Default.IReadOnlyListString) ?? [];
    }

    public static async Task<bool> DeleteAsync(HttpClient http, string bucket, string name, CancellationToken ct)
    {
        using var response = await http.DeleteAsync($"https://storage.example/{bucket}/{Uri.EscapeDataString(name)}", ct).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}

/// <summary>Maintenance jobs: process-local metrics updated inside steps, local functions, exceptions that rethrow.</summary>
[Service("Maintenance")]
public sealed partial class MaintenanceService(HttpClient http, ILogger<MaintenanceService> logger)
{
    // Process-wide counter for metrics; only touched inside steps, never read to decide anything durable.
    private static long _objectsDeleted;

    [Handler]
    public async Task<CleanupResult> CleanupAsync(IContext ctx, CleanupRequest request)
    {
        var now = await ctx.NowAsync();
        var cutoff = now.AddDays(-request.OlderThanDays);
        var candidates = await ctx.RunAsync("list", ct => StorageApi.ListAsync(http, request.Bucket, cutoff, ct));
        if (request.DryRun)
        {
            return new CleanupResult(0, candidates.Count, []);
        }

        var errors = new List<string>();
        foreach (var name in candidates.Order(StringComparer.Ordinal))
        {
            if (await DeleteOneAsync(name))
            {
                continue;
            }

            errors.Add(name);
        }

        return new CleanupResult(candidates.Count - errors.Count, 0, errors);

        async Task<bool> DeleteOneAsync(string name) => await ctx.RunAsync("delete:" + name, async ct =>
        {
            var deleted = await StorageApi.DeleteAsync(http, request.Bucket, name, ct);
            if (deleted)
            {
                Interlocked.Increment(ref _objectsDeleted);
            }

            return deleted;
        });
    }

    [Handler]
    public async Task<HealthReport> ProbeAsync(IContext ctx, string service)
    {
        return await ctx.RunAsync("probe", async ct =>
        {
            var started = TimeProvider.System.GetTimestamp();
            bool healthy;
            try
            {
                using var response = await http.GetAsync($"https://{service}.internal.example/health", ct);
                healthy = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                healthy = false;
            }

            return new HealthReport(service, healthy, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        });
    }

    [Handler]
    public async ValueTask<string> RotateKeysAsync(IContext ctx, string keyRing)
    {
        try
        {
            var newKey = await ctx.RunAsync("create-key", async ct =>
            {
                using var response = await http.PostAsync($"https://vault.example/{keyRing}/keys", null, ct);
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadAsStringAsync(ct);
            });
            await ctx.SleepAsync(TimeSpan.FromMinutes(10), "propagation");
            await ctx.RunAsync("retire-old-keys", async ct =>
            {
                using var response = await http.DeleteAsync($"https://vault.example/{keyRing}/keys?except={newKey}", ct);
                response.EnsureSuccessStatusCode();
            });
            return newKey;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Key rotation of {KeyRing} failed", keyRing);
            throw;
        }
    }

    [Handler]
    public async Task<string> ExportAsync(IContext ctx, string table)
    {
        var exportId = ctx.NewGuid();
        var startedAt = await ctx.NowAsync();
        try
        {
            await ctx.RunAsync("export", async ct =>
            {
                using var response = await http.PostAsync($"https://db.example/{table}/export?id={exportId}", null, ct);
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    throw new TerminalException($"No table {table}.", 404);
                }

                response.EnsureSuccessStatusCode();
            });
        }
        catch (TerminalException e) when (e.Code == 404)
        {
            throw new TerminalException($"Export {exportId} failed: {e.Message}", 404);
        }
        finally
        {
            logger.LogInformation("Export {Id} of {Table} started at {At}", exportId, table, startedAt);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{table}-{startedAt:yyyyMMdd}-{exportId:N}");
    }

    [Handler]
    public async Task<int> PruneLogsAsync(IContext ctx, int keepDays)
    {
        // The whole file-system job is one step: what it deleted is journaled, a replay does not look at the disk.
        return await ctx.RunAsync("prune", _ =>
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "logs");
            if (!Directory.Exists(folder))
            {
                return Task.FromResult(0);
            }

            var cutoff = DateTime.UtcNow.AddDays(-keepDays);
            var old = new DirectoryInfo(folder).EnumerateFiles("*.log").Where(f => f.LastWriteTimeUtc < cutoff).ToList();
            old.ForEach(f => f.Delete());
            return Task.FromResult(old.Count);
        });
    }
}

[JsonSerializable(typeof(CleanupRequest))]
[JsonSerializable(typeof(CleanupResult))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class MaintenanceJson : JsonSerializerContext;
