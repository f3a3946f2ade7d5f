using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Tests.Agents;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace DurableAgents.Tests.Mcp;

/// <summary>
/// MCP tools end to end: the real restate-server, the test agents in a child process (killed with -9 mid-run), the real
/// OpenAI client against the fake model, and real MCP servers: <see cref="TestMcpServer"/> (the official C# SDK,
/// Streamable HTTP, in the test process so it survives the kill) behind <c>McpAgent</c>, and the npm reference server
/// <c>@modelcontextprotocol/server-everything</c> over stdio behind <c>EverythingAgent</c> (declared by
/// <c>[McpServer]</c>; <c>mcp-counted.mjs</c> logs every <c>tools/call</c> it forwards). Calls are counted on the server
/// side.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class McpEndToEndTests : AgentEndToEndFixture
{
    private readonly Dictionary<string, TaskCompletionSource> _gates = new();
    private TestMcpServer _mcp = null!;
    private string _stdioLog = null!;

    protected override async Task ConfigureServiceAsync(IDictionary<string, string> environment)
    {
        _mcp = await TestMcpServer.StartAsync();
        _mcp.Set(new TestMcpTool("count", "Counts calls per label.", Schema("label"), (args, _) =>
            Task.FromResult(TestMcpServer.Text($"counted {Label(args)}: {_mcp.CallCount("count", Label(args))}"))));
        _mcp.Set(new TestMcpTool("guarded", "Deletes a record (needs an approval).", Schema("label"), (args, _) =>
            Task.FromResult(TestMcpServer.Text($"deleted {Label(args)}"))));
        _mcp.Set(new TestMcpTool("flaky", "Fails the first two calls per label ('always' in the label: every call).", Schema("label"), (args, _) =>
        {
            var label = Label(args);
            if (label.Contains("always", StringComparison.Ordinal) || _mcp.CallCount("flaky", label) <= 2)
            {
                throw new McpProtocolException("flaky backend down", McpErrorCode.InternalError);
            }

            return Task.FromResult(TestMcpServer.Text($"flaky {label} ok"));
        }));
        _mcp.Set(new TestMcpTool("block", "Waits for the gate named by the label on its first call.", Schema("label"), async (args, ct) =>
        {
            var label = Label(args);
            if (_mcp.CallCount("block", label) == 1)
            {
                await Gate(label).Task.WaitAsync(ct);
            }

            return TestMcpServer.Text($"unblocked {label}");
        }));
        _stdioLog = Path.Combine(Path.GetTempPath(), "da-mcp-" + Guid.NewGuid().ToString("N") + ".log");
        environment["DA_MCP_HTTP"] = _mcp.Endpoint.ToString();
        environment["DA_MCP_LOG"] = _stdioLog;
        environment["DA_MCP_EVERYTHING"] = FindEverything();
    }

    [OneTimeTearDown]
    public async Task StopMcpAsync()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }

        await _mcp.DisposeAsync();
        File.Delete(_stdioLog);
    }

    private TaskCompletionSource Gate(string name)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(name, out var gate))
            {
                _gates[name] = gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return gate;
        }
    }

    private static string Schema(string property)
        => new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { [property] = new JsonObject { ["type"] = "string" } },
            ["required"] = new JsonArray(property),
        }.ToJsonString();

    private static string Label(JsonElement args)
        => args.TryGetProperty("label", out var l) ? l.GetString() ?? "" : "";

    private static string FindEverything()
    {
        var relative = Path.Combine("node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, relative)))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new FileNotFoundException("server-everything not found: run `npm ci` at the repository root.");
    }

    /// <summary>The lines of the stdio wrapper's log: (wrapper pid, tool, arguments JSON).</summary>
    private List<(string Pid, string Tool, string Arguments)> StdioCalls()
        => File.Exists(_stdioLog)
            ? File.ReadAllLines(_stdioLog).Select(l => l.Split(' ', 3)).Select(p => (p[0], p[1], p[2])).ToList()
            : [];

    private async Task<List<string>> StepNamesAsync(string invocationId)
        => (await Server.Admin.GetJournalAsync(invocationId))
            .Where(e => e.EntryType.Contains("Command: Run", StringComparison.Ordinal) && e.Name is not null)
            .Select(e => e.Name!).ToList();

    private static string Text(string body) => JsonNode.Parse(body)!["text"]!.ToString();

    [Test]
    public async Task Http_mcp_tool_is_listed_and_called_as_journaled_steps()
    {
        Scripts["Quokka"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_q1", "count", Args("label", "Quokka")))
            : FakeReply.Say("Result: " + r.ToolResults[0].Content);

        var id = await SendAsync("McpAgent/run", "\"Count the Quokka\"");
        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(Text(body), Does.Contain("counted Quokka: 1"), "the MCP tool's text result reached the model");
        Assert.That(_mcp.CallCount("count", "Quokka"), Is.EqualTo(1));
        Assert.That(RequestsFor("Quokka")[0].Tools, Is.EqualTo(new[] { "block", "count", "flaky", "guarded" }), "the model saw the server's tools, by their MCP names");
        Assert.That(await StepNamesAsync(id), Is.EqualTo(new[] { "mcp:counter:tools", "llm:1", "mcp:counter:count:call_q1", "llm:2" }));
    }

    [Test]
    public async Task Stdio_reference_server_calls_survive_a_kill_and_are_not_repeated()
    {
        var reached = 0;
        var release = Gate("wombat-turn-2");
        Scripts["Wombat"] = r =>
        {
            switch (r.ToolResults.Count)
            {
                case 0:
                    return FakeReply.Call(("call_w1", "echo", Args("message", "Wombat one")));
                case 1:
                    Interlocked.Increment(ref reached);
                    return FakeReply.Call(("call_w2", "get-sum", new JsonObject { ["a"] = 2, ["b"] = 3 }.ToJsonString())) with { Before = () => release.Task };
                default:
                    return FakeReply.Say("Done: " + string.Join(" | ", r.ToolResults.Select(t => t.Content)));
            }
        };

        var id = await SendAsync("EverythingAgent/run", "\"Echo for the Wombat, then add\"");
        await WaitUntilAsync(() => Volatile.Read(ref reached) >= 1, "turn 2 reached the model (the listing, turn 1 and the echo call are journaled)");
        Assert.That(StdioCalls().Count(c => c.Tool == "echo" && c.Arguments.Contains("Wombat one")), Is.EqualTo(1));

        await Endpoint.KillAsync();
        await Endpoint.StartAsync();
        release.SetResult();

        var (status, body) = await AttachAsync(id);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var calls = StdioCalls();
        var echo = calls.Where(c => c.Tool == "echo" && c.Arguments.Contains("Wombat one")).ToList();
        var sum = calls.Where(c => c.Tool == "get-sum").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(echo, Has.Count.EqualTo(1), "the completed MCP call was not repeated after the crash");
            Assert.That(sum, Has.Count.EqualTo(1));
            Assert.That(sum[0].Pid, Is.Not.EqualTo(echo[0].Pid), "the new process started a new stdio session");
            Assert.That(Text(body), Does.Contain("Echo: Wombat one").And.Contain("5"));
            Assert.That(RequestsFor("Wombat")[0].Tools, Is.EqualTo(new[] { "echo", "get-sum" }), "the attribute's allow-list filtered the reference server's tools");
        });
        Assert.That(await StepNamesAsync(id), Is.EqualTo(new[] { "mcp:everything:tools", "llm:1", "mcp:everything:echo:call_w1", "llm:2", "mcp:everything:get-sum:call_w2", "llm:3" }));
    }

    [Test]
    public async Task Kill_during_an_mcp_call_keeps_the_completed_call_and_reruns_the_interrupted_one()
    {
        Scripts["Platypus"] = r => r.ToolResults.Count switch
        {
            0 => FakeReply.Call(("call_p1", "count", Args("label", "Platypus A"))),
            1 => FakeReply.Call(("call_p2", "block", Args("label", "Platypus B"))),
            _ => FakeReply.Say("Done: " + string.Join(" | ", r.ToolResults.Select(t => t.Content))),
        };

        var id = await SendAsync("McpAgent/run", "\"Count the Platypus then block\"");
        await WaitUntilAsync(() => _mcp.CallCount("block", "Platypus B") == 1, "the second MCP call is running on the server");
        Assert.That(_mcp.CallCount("count", "Platypus A"), Is.EqualTo(1));

        await Endpoint.KillAsync();
        await Endpoint.StartAsync();

        var (status, body) = await AttachAsync(id);
        Gate("Platypus B").TrySetResult();
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.Multiple(() =>
        {
            Assert.That(_mcp.CallCount("count", "Platypus A"), Is.EqualTo(1), "the completed MCP call ran exactly once");
            Assert.That(_mcp.CallCount("block", "Platypus B"), Is.EqualTo(2), "the call in flight at the crash was not journaled, so it ran again");
            Assert.That(Text(body), Is.EqualTo("Done: \"counted Platypus A: 1\" | \"unblocked Platypus B\""));
        });
    }

    [Test]
    public async Task Replay_sees_the_journaled_tool_listing_even_after_the_server_changed()
    {
        _mcp.Set(new TestMcpTool("narwhal_v1", "The first version.", Schema("label"), (_, _) => Task.FromResult(TestMcpServer.Text("v1"))));
        try
        {
            var reached = 0;
            var release = Gate("narwhal-turn-1");
            Scripts["Narwhal"] = r =>
            {
                Interlocked.Increment(ref reached);
                return FakeReply.Say("Tools: " + string.Join(",", r.Tools)) with { Before = () => release.Task };
            };

            var id = await SendAsync("McpAgent/run", "\"Which tools, Narwhal?\"");
            await WaitUntilAsync(() => Volatile.Read(ref reached) >= 1, "turn 1 reached the model (the listing is journaled)");
            var listings = _mcp.Listings;

            await Endpoint.KillAsync();
            _mcp.Remove("narwhal_v1");
            _mcp.Set(new TestMcpTool("narwhal_v2", "The second version.", Schema("label"), (_, _) => Task.FromResult(TestMcpServer.Text("v2"))));
            await Endpoint.StartAsync();
            release.SetResult();

            var (status, body) = await AttachAsync(id);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            var requests = RequestsFor("Narwhal");
            Assert.Multiple(() =>
            {
                Assert.That(requests, Has.Count.EqualTo(2), "turn 1 was in flight at the crash, so it ran again");
                Assert.That(requests[1].Tools, Does.Contain("narwhal_v1").And.Not.Contain("narwhal_v2"), "the replayed run offered the journaled tool set");
                Assert.That(_mcp.Listings, Is.EqualTo(listings), "the replay did not list the tools again");
                Assert.That(Text(body), Does.Contain("narwhal_v1"));
            });

            // The server did change: a new run sees the new tool set.
            Scripts["Beluga"] = r => FakeReply.Say("Tools: " + string.Join(",", r.Tools));
            var (newStatus, newBody) = await PostAsync("McpAgent/run", "\"Which tools, Beluga?\"");
            Assert.That(newStatus, Is.EqualTo(HttpStatusCode.OK), newBody);
            Assert.That(Text(newBody), Does.Contain("narwhal_v2").And.Not.Contain("narwhal_v1"));
        }
        finally
        {
            _mcp.Remove("narwhal_v1");
            _mcp.Remove("narwhal_v2");
        }
    }

    [Test]
    public async Task Approval_gates_an_mcp_tool_call_until_approved()
    {
        Scripts["Okapi"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_o1", "guarded", Args("label", "Okapi")))
            : FakeReply.Say("Result: " + r.ToolResults[0].Content);

        var id = await SendAsync("McpAgent/run", "\"Delete the Okapi record\"");
        JsonArray pending = [];
        await WaitUntilAsync(() =>
        {
            var (status, body) = PostAsync("McpAgent/approvals", JsonValue.Create(id).ToJsonString()).GetAwaiter().GetResult();
            pending = status == HttpStatusCode.OK ? JsonNode.Parse(body)!.AsArray() : [];
            return pending.Count == 1;
        }, "the approval request was published");
        Assert.That(pending[0]!["toolName"]!.ToString(), Is.EqualTo("guarded"));
        Assert.That(_mcp.CallCount("guarded", "Okapi"), Is.EqualTo(0), "nothing reaches the MCP server before the approval");

        var decision = new JsonObject { ["id"] = pending[0]!["id"]!.ToString(), ["approved"] = true }.ToJsonString();
        var (approveStatus, approveBody) = await PostAsync("McpAgent/approve", decision);
        Assert.That(approveStatus, Is.EqualTo(HttpStatusCode.OK), approveBody);

        var (runStatus, runBody) = await AttachAsync(id);
        Assert.That(runStatus, Is.EqualTo(HttpStatusCode.OK), runBody);
        Assert.That(Text(runBody), Is.EqualTo("Result: \"deleted Okapi\""));
        Assert.That(_mcp.CallCount("guarded", "Okapi"), Is.EqualTo(1));
    }

    [Test]
    public async Task Server_retry_policy_retries_a_failing_mcp_call_and_tells_the_model_when_exhausted()
    {
        Scripts["Axolotl"] = r => r.ToolResults.Count == 0
            ? FakeReply.Call(("call_a1", "flaky", Args("label", "Axolotl")), ("call_a2", "flaky", Args("label", "Axolotl always")))
            : FakeReply.Say("Results: " + string.Join(" | ", r.ToolResults.Select(t => t.Content)));

        var (status, body) = await PostAsync("McpAgent/run", "\"Try the Axolotl backend\"");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        var results = RequestsFor("Axolotl")[^1].ToolResults;
        Assert.Multiple(() =>
        {
            Assert.That(_mcp.CallCount("flaky", "Axolotl"), Is.EqualTo(3), "two failures retried by the server's policy, then a success");
            Assert.That(results[0].Content, Does.Contain("flaky Axolotl ok"));
            Assert.That(_mcp.CallCount("flaky", "Axolotl always"), Is.EqualTo(3), "the policy's 3 attempts, no more");
            Assert.That(results[1].Content, Does.StartWith("Error:").And.Contain("flaky backend down"), "exhausted retries are told to the model");
        });
    }

    [Test]
    public async Task A_tool_name_collision_fails_the_run_instead_of_overriding()
    {
        var listings = _mcp.Listings;
        var (status, body) = await PostAsync("McpCollisionAgent/run", "\"Count something\"");
        Assert.That((int)status, Is.EqualTo(500), body);
        Assert.That(body, Does.Contain("The tool 'count' of MCP server 'counter'").And.Contain("ToolNamePrefix"));
        Assert.That(_mcp.Listings, Is.EqualTo(listings + 1), "the collision was found after the journaled listing");
    }
}
