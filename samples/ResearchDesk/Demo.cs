using DurableAgents;
using DurableAgents.Serialization;
using DurableAgents.Testing;

namespace ResearchDesk;

/// <summary>
/// <c>--demo</c>: starts restate-server, the catalog MCP server and this service, then (1) runs the Librarian agent as a
/// Microsoft Agent Framework <c>AIAgent</c> (the generated proxy over the ingress) and shows its journaled MCP steps and
/// the catalog's own call count, and (2) reviews a draft twice with the Editor object, whose Agent Framework agent keeps
/// its session in Restate state. Exits 1 if what it shows is not what it claims.
/// </summary>
internal static class Demo
{
    private const string LibrarianQuestion = "Find books about \"durable execution\" and \"event sourcing\".";
    private const string Draft = "Durable agents never pay for the same model call twice.";

    private static void Say(string line) => Console.WriteLine("[demo] " + line);

    public static async Task<int> RunAsync()
    {
        Say("starting restate-server (node_modules/@restatedev/restate-server) on free ports ...");
        await using var server = await RestateServer.StartAsync();
        await using var catalog = await CatalogServer.StartAsync();
        Say($"catalog MCP server (official C# MCP SDK, Streamable HTTP) on {catalog.Endpoint}");
        await using var host = await ServiceHost.StartAsync(RestateServer.FreePorts(1)[0], catalog.Endpoint);
        await server.RegisterAsync(host.Uri);
        Say($"ResearchDesk endpoint {host.Uri} registered with restate-server (ingress {server.IngressUri})");
        var failures = new List<string>();

        // 1. A [DurableAgent] with MCP tools, called as an Agent Framework AIAgent.
        Console.WriteLine();
        var librarian = LibrarianClient.AsAIAgent(server.Ingress);
        Say($"Librarian as an AIAgent ({librarian.GetType().Name}): RunAsync(\"{LibrarianQuestion}\")");
        var answer = await librarian.RunAsync(LibrarianQuestion);
        Say("answer: " + answer.Text);
        var librarianSteps = await PrintJournalAsync(server, answer.ResponseId!);
        Expect(failures, librarianSteps.Contains("mcp:catalog:tools"), "the tool listing is the journaled step mcp:catalog:tools");
        Expect(failures, librarianSteps.Count(s => s.StartsWith("mcp:catalog:find_books:", StringComparison.Ordinal)) == 2, "each MCP call is a journaled step mcp:catalog:find_books:{callId}");
        foreach (var topic in new[] { "durable execution", "event sourcing" })
        {
            var calls = CatalogTools.Calls.TryGetValue(topic, out var n) ? n : 0;
            Say($"the catalog server counted find_books(\"{topic}\"): {calls} call(s)");
            Expect(failures, calls == 1, $"find_books(\"{topic}\") ran once on the server");
        }

        // 2. An Agent Framework ChatClientAgent inside a Virtual Object handler, its session in Restate state.
        Console.WriteLine();
        var review = CallTarget.ForObject("Editor", "draft-1", "review");
        var first = $"Count the words in \"{Draft}\"";
        Say($"Editor/draft-1/review \"{first}\"");
        var (reply1, id1) = await server.Ingress.CallWithIdAsync(review, first, BuiltInJsonContext.Default.String, BuiltInJsonContext.Default.String);
        Say("answer: " + reply1);
        var editorSteps = await PrintJournalAsync(server, id1!);
        Expect(failures, editorSteps.Count(s => s.StartsWith("llm:", StringComparison.Ordinal)) == 2, "one journaled step per model response (llm:1, llm:2)");
        Expect(failures, editorSteps.Count(s => s.StartsWith("tool:count_words:", StringComparison.Ordinal)) == 1, "the tool call is the journaled step tool:count_words:{callId}");

        const string second = "Is that short enough for a headline?";
        Say($"Editor/draft-1/review \"{second}\" (same key: the agent's session comes back from state)");
        var reply2 = await server.Ingress.CallAsync(review, second, BuiltInJsonContext.Default.String, BuiltInJsonContext.Default.String);
        Say("answer: " + reply2);
        Expect(failures, reply2.Contains("earlier message", StringComparison.Ordinal), "the second review saw the first exchange (session kept in state)");
        var state = await server.QueryAsync("SELECT service_key, key, length(value) AS bytes FROM state WHERE service_name = 'Editor'");
        foreach (var row in state)
        {
            Say($"state of Editor/{row?["service_key"]}: {row?["key"]} ({row?["bytes"]} bytes)");
        }

        Expect(failures, state.Count > 0, "the Editor object's state holds the agent session");
        Console.WriteLine();
        foreach (var f in failures)
        {
            Say("FAILED: " + f);
        }

        Say(failures.Count == 0 ? "done: every claim above was checked" : $"{failures.Count} check(s) failed");
        return failures.Count == 0 ? 0 : 1;
    }

    private static void Expect(List<string> failures, bool condition, string claim)
    {
        Say((condition ? "ok: " : "NOT TRUE: ") + claim);
        if (!condition)
        {
            failures.Add(claim);
        }
    }

    /// <summary>Prints the invocation's journal as restate-server stored it and returns the entry names.</summary>
    private static async Task<List<string>> PrintJournalAsync(RestateServer server, string invocationId)
    {
        var journal = await server.Admin.GetJournalAsync(invocationId);
        Say($"journal of {invocationId} (restate-server's sys_journal, through AdminClient.GetJournalAsync):");
        foreach (var e in journal)
        {
            Say($"  {e.Index,3}  {e.EntryType,-22} {e.Name}");
        }

        return journal.Select(static e => e.Name ?? "").ToList();
    }
}
