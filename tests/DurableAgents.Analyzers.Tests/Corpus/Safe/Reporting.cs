using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Corpus.Shared;
using DurableAgents;
using Microsoft.Extensions.Logging;

namespace Corpus.Reporting;

public sealed record SalesRow(string Region, string Sku, int Units, decimal Revenue);

public sealed record ReportRequest(string Name, IReadOnlyList<SalesRow> Rows);

public sealed record ReportFile(string Path, int Rows, long Bytes, string GeneratedAt);

public sealed record ArchiveResult(int Files, string Folder);

/// <summary>Reports: the file system, clocks and fan-out HTTP calls all happen inside steps.</summary>
[Service("Reports")]
public sealed partial class ReportService(HttpClient http, ILogger<ReportService> logger)
{
    private static readonly string[] Header = ["region", "sku", "units", "revenue"];

    [Handler]
    public async Task<ReportFile> WriteCsvAsync(IContext ctx, ReportRequest request)
    {
        // LINQ over the input is pure: fine outside a step.
        var ordered = request.Rows
            .GroupBy(r => r.Region, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(r => r.Revenue).ThenBy(r => r.Sku, StringComparer.Ordinal))
            .ToList();

        var csv = new StringBuilder().AppendJoin(',', Header).AppendLine();
        foreach (var row in ordered)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{row.Region},{row.Sku},{row.Units},{row.Revenue:F2}").AppendLine();
        }

        var text = csv.ToString();
        return await ctx.RunAsync("write-file", async ct =>
        {
            var folder = Path.Combine(Path.GetTempPath(), "reports");
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"{request.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
            await File.WriteAllTextAsync(path, text, ct);
            return new ReportFile(path, ordered.Count, new FileInfo(path).Length, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        });
    }

    [Handler]
    public async Task<string> ReadBackAsync(IContext ctx, string path)
    {
        var content = await ctx.RunAsync("read-file", async ct => File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "");
        return content.Length == 0 ? "missing" : $"{content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1} rows";
    }

    [Handler]
    public async Task<ArchiveResult> ArchiveAsync(IContext ctx, string folder)
    {
        return await ctx.RunAsync("archive", ct =>
        {
            var target = Path.Combine(folder, "archive", Path.GetRandomFileName());
            Directory.CreateDirectory(target);
            var moved = 0;
            foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                File.Move(file, Path.Combine(target, Path.GetFileName(file)));
                moved++;
            }

            return Task.FromResult(new ArchiveResult(moved, target));
        });
    }

    [Handler]
    public async Task<IReadOnlyList<int>> FetchSizesAsync(IContext ctx, IReadOnlyList<string> urls)
    {
        // Plain tasks and Task.WhenAll inside one step: the step's result is journaled as a whole.
        return await ctx.RunAsync("fetch-all", async ct =>
        {
            var watch = Stopwatch.StartNew();
            var bodies = await Task.WhenAll(urls.Select(u => http.GetByteArrayAsync(u, ct)));
            logger.LogInformation("Fetched {Count} documents in {Elapsed} ms", bodies.Length, watch.ElapsedMilliseconds);
            return (IReadOnlyList<int>)bodies.Select(b => b.Length).ToList();
        });
    }

    [Handler]
    public async Task<string> PublishAsync(IContext ctx, ReportFile report)
    {
        // The lambda runs inside the helper's step (the helper calls it from its RunAsync body).
        return await ctx.TimedStepAsync("upload", async ct =>
        {
            await using var stream = File.OpenRead(report.Path);
            using var response = await http.PutAsync("https://files.example/reports/" + Path.GetFileName(report.Path), new StreamContent(stream), ct);
            response.EnsureSuccessStatusCode();
            return response.Headers.ETag?.Tag ?? "";
        }, logger);
    }
}

[JsonSerializable(typeof(ReportRequest))]
[JsonSerializable(typeof(ReportFile))]
[JsonSerializable(typeof(ArchiveResult))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<int>))]
internal sealed partial class ReportsJson : JsonSerializerContext;
