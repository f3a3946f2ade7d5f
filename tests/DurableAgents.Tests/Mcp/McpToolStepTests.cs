using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Agents;
using DurableAgents.Mcp;
using DurableAgents.Observability;
using DurableAgents.Protocol;
using DurableAgents.Testing;
using static DurableAgents.Tests.TestServices;

namespace DurableAgents.Tests.Mcp;

/// <summary>
/// One MCP tool call through the journal harness (the real state machine, no restate-server) against the C# test MCP
/// server: the step name, the journaled outcome, and the <c>execute_tool</c> span with <c>gen_ai.tool.type = extension</c>.
/// </summary>
[NonParallelizable] // the ActivityListener is process-wide
public sealed class McpToolStepTests
{
    [Test]
    public async Task An_mcp_call_is_one_step_traced_as_an_extension_tool()
    {
        await using var mcp = await TestMcpServer.StartAsync();
        mcp.Set(new TestMcpTool("shout", "Upper-cases.", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
            (args, _) => Task.FromResult(TestMcpServer.Text(args.GetProperty("text").GetString()!.ToUpperInvariant()))));
        mcp.Set(new TestMcpTool("refuse", "Always an error result.", "{\"type\":\"object\"}",
            (_, _) => Task.FromResult(TestMcpServer.Text("not allowed", isError: true))));
        var server = McpServer.Http("steps", mcp.Endpoint);
        var schema = JsonDocument.Parse("{\"type\":\"object\"}").RootElement;
        var shout = new McpTool(server, new McpToolInfo { Name = "shout", InputSchema = schema });
        var refuse = new McpTool(server, new McpToolInfo { Name = "refuse", InputSchema = schema });

        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DurableAgentsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var settings = new ToolRunSettings(null, ToolErrorBehavior.ReturnToModel);
        var service = Service("McpSteps", Handler<string, string>("go", async (ctx, which) =>
        {
            var tool = which == "shout" ? shout : refuse;
            var outcome = await tool.Start(ctx, "call_7", JsonDocument.Parse("{\"text\":\"quiet\"}").RootElement, settings).Outcome();
            return outcome.Error ?? outcome.Result!.Value.GetString()!;
        }));

        var ok = await JournalHarness.RunAsync(service, "go", new JournalBuilder().Input("\"shout\"").Build());
        var run = JsonNode.Parse(ok.Messages.Single(m => m.Type == MessageType.RunCommand).Text)!;
        Assert.That(run["name"]!.ToString(), Is.EqualTo("mcp:steps:shout:call_7"));
        Assert.That(Proposal(ok), Does.Contain("\"result\":\"QUIET\""));

        var error = await JournalHarness.RunAsync(service, "go", new JournalBuilder().Input("\"refuse\"").Build());
        Assert.That(Proposal(error), Does.Contain("\"error\":\"not allowed\""), "an isError result is journaled as an error for the model");
        Assert.That(mcp.Calls.Select(c => c.Tool), Is.EqualTo(new[] { "shout", "refuse" }));

        var traced = spans.Where(a => a.OperationName is "execute_tool shout" or "execute_tool refuse").ToList();
        Assert.That(traced, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(traced.Select(a => a.GetTagItem(DurableAgentsTelemetry.ToolTypeTag)), Is.All.EqualTo("extension"));
            Assert.That(traced.Select(a => a.GetTagItem(DurableAgentsTelemetry.ToolCallIdTag)), Is.All.EqualTo("call_7"));
            Assert.That(traced.Single(a => a.OperationName == "execute_tool refuse").GetTagItem(DurableAgentsTelemetry.ToolOutcomeTag), Is.EqualTo("error"));
        });
    }

    private static string Proposal(JournalRunResult result)
    {
        var n = JsonNode.Parse(result.Messages.Single(m => m.Type == MessageType.ProposeRunCompletion).Text)!;
        return Encoding.UTF8.GetString(Convert.FromBase64String(n["value"]!.ToString()));
    }
}
