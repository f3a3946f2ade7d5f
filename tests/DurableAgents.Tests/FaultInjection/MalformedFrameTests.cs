using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DurableAgents.Hosting;
using DurableAgents.Testing;

namespace DurableAgents.Tests.FaultInjection;

/// <summary>
/// Seeded random mutations of every captured invocation request (bit flips, truncations, corrupted length fields,
/// changed types and flags, inserted/deleted bytes, duplicated/dropped/swapped frames, wrong known_entries) fed to
/// the real state machine and handler: each must end in a clear outcome (End, Suspension, or Error 500/570/571)
/// within a deadline, never an exception or a hang. A sample goes over real HTTP/2 to a running endpoint, which must
/// answer every one and still serve a valid request after each.
/// </summary>
[TestFixture]
[Category("FaultInjection")]
public sealed class MalformedFrameTests
{
    private static readonly TimeSpan CaseDeadline = TimeSpan.FromSeconds(10);

    /// <summary>The captured invocation requests and the handler each was sent to.</summary>
    internal static List<(string Name, byte[] Bytes, string Service, string Handler)> Corpus()
    {
        var list = new List<(string, byte[], string, string)>();
        foreach (var meta in Vectors.Files("*.meta.json"))
        {
            var name = meta[..^".meta.json".Length];
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors.Directory, meta)));
            var path = doc.RootElement.GetProperty("path").GetString()!;
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts is not ["invoke", var service, var handler])
            {
                continue;
            }

            list.Add((name, Vectors.Read(name + ".req.hex"), service, handler));
        }

        return list;
    }

    [Test]
    public async Task Random_mutations_of_captured_vectors_always_end_in_a_clear_outcome()
    {
        var cases = FaultSettings.Int("FRAME_CASES", 10_000);
        var seed = FaultSettings.Seed(7001);
        var corpus = Corpus();
        Assert.That(corpus, Has.Count.GreaterThanOrEqualTo(30), "captured invocation vectors");

        // Every unmutated vector must itself end cleanly (sanity check of the oracle).
        foreach (var (name, bytes, service, handler) in corpus)
        {
            var outcome = await RunCaseAsync(bytes, service, handler);
            Assert.That(outcome.IsClear, Is.True, $"{name} unmutated: {outcome.Label} {outcome.Detail}");
        }

        var histogram = new ConcurrentDictionary<string, int>();
        var byMutation = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var random = new Random(HashCode.Combine(seed, i));
            var (name, original, service, handler) = corpus[random.Next(corpus.Count)];
            var mutation = FrameMutator.All[random.Next(FrameMutator.All.Length)];
            var bytes = FrameMutator.Mutate(original, mutation, random);
            var outcome = await RunCaseAsync(bytes, service, handler);
            histogram.AddOrUpdate(outcome.Label, 1, (_, n) => n + 1);
            byMutation.AddOrUpdate(mutation.ToString(), 1, (_, n) => n + 1);
            if (!outcome.IsClear)
            {
                failures.Enqueue($"case {i} ({name}, {mutation}): {outcome.Label} {outcome.Detail} — bytes {Convert.ToHexString(bytes)}");
            }
        });
        sw.Stop();

        var summary = string.Join(", ", histogram.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));
        FaultSettings.Record("Malformed frames → state machine (in-process)", $"{cases:N0} cases, {corpus.Count} vectors, seed {seed}",
            string.Join(", ", FrameMutator.All.Select(m => m.ToString())),
            failures.IsEmpty ? "all clear: " + summary : $"{failures.Count} unclear", sw.Elapsed);
        TestContext.Progress.WriteLine("mutations: " + string.Join(", ", byMutation.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(10)));
        Assert.That(histogram.Values.Sum(), Is.EqualTo(cases));
        Assert.That(histogram.Keys, Does.Contain("Error 571"), "protocol violations must be among the outcomes");
    }

    private static async Task<AttemptOutcome> RunCaseAsync(byte[] bytes, string service, string handler)
    {
        try
        {
            var result = await JournalHarness.RunAsync(FuzzServices.ByName(service), handler, bytes, timeout: CaseDeadline).WaitAsync(CaseDeadline);
            var outcome = AttemptOutcome.Of(result.ResponseBody);
            var expected = outcome.Kind switch
            {
                "End" => Internal.InvocationOutcome.Ended,
                "Suspension" => Internal.InvocationOutcome.Suspended,
                _ => Internal.InvocationOutcome.Failed,
            };
            return result.Outcome == expected ? outcome : new("OutcomeDisagrees", null, $"the machine says {result.Outcome}, the wire says {outcome.Label}");
        }
        catch (TimeoutException)
        {
            return new("Hang", null, $"no outcome within {CaseDeadline}");
        }
        catch (Exception e)
        {
            return new("Exception", null, e.ToString());
        }
    }

    [Test]
    [NonParallelizable]
    public async Task Mutated_requests_over_http2_get_an_answer_and_the_endpoint_keeps_serving()
    {
        var cases = FaultSettings.Int("HTTP_FRAME_CASES", 200);
        var seed = FaultSettings.Seed(7002);
        var corpus = Corpus();
        await using var host = await RestateHost.StartAsync(0, o =>
        {
            foreach (var s in FuzzServices.All)
            {
                o.Bind(s);
            }
        });
        using var handler = new SocketsHttpHandler();
        using var http = new HttpClient(handler) { BaseAddress = host.Uri, Timeout = CaseDeadline };
        var histogram = new Dictionary<string, int>();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var random = new Random(HashCode.Combine(seed, i));
            var (name, original, service, target) = corpus[random.Next(corpus.Count)];
            var mutation = FrameMutator.All[random.Next(FrameMutator.All.Length)];
            var bytes = FrameMutator.Mutate(original, mutation, random);
            var (status, body) = await InvokeAsync(http, $"invoke/{service}/{target}", bytes);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"case {i} ({name}, {mutation})");
            var outcome = AttemptOutcome.Of(body);
            Assert.That(outcome.IsClear, Is.True, $"case {i} ({name}, {mutation}): {outcome.Label} {outcome.Detail}");
            histogram[outcome.Label] = histogram.GetValueOrDefault(outcome.Label) + 1;

            // The next valid request is served normally.
            var valid = new JournalBuilder().Input($"\"ping-{i}\"").Build();
            var (okStatus, okBody) = await InvokeAsync(http, "invoke/Raw/echo", valid);
            Assert.That(okStatus, Is.EqualTo(HttpStatusCode.OK));
            var messages = JournalHarness.Decode(okBody);
            Assert.That(messages.Select(m => m.Type), Is.EqualTo(new[] { Protocol.MessageType.OutputCommand, Protocol.MessageType.End }), $"after case {i}");
            Assert.That(messages[0].Text, Does.Contain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\"ping-{i}\""))));
        }

        sw.Stop();
        FaultSettings.Record("Malformed frames → HTTP/2 endpoint", $"{cases} cases + {cases} valid requests, seed {seed}", "same mutations",
            "all answered 200 with a terminal message; every following valid request served: " +
            string.Join(", ", histogram.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")), sw.Elapsed);
    }

    internal static async Task<(HttpStatusCode Status, byte[] Body)> InvokeAsync(HttpClient http, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", RestateEndpoint.InvocationContentTypeV6);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }
}
