using System.Text.Json;
using DurableAgents.Agents;
using DurableAgents.Mcp;
using ModelContextProtocol.Protocol;

namespace DurableAgents.Tests.Mcp;

/// <summary>The MCP pieces that need no server: result mapping, server descriptions, session cache keys.</summary>
public sealed class McpUnitTests
{
    [Test]
    public void Structured_content_is_preferred_over_text()
    {
        var result = new CallToolResult
        {
            Content = [new TextContentBlock { Text = "{\"sum\":5}" }],
            StructuredContent = JsonDocument.Parse("{\"sum\":5}").RootElement,
        };
        var outcome = McpResults.ToOutcome(result, 1000);
        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.Result!.Value.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(outcome.Result.Value.GetProperty("sum").GetInt32(), Is.EqualTo(5));
    }

    [Test]
    public void Text_blocks_are_joined_and_other_kinds_summarised()
    {
        var result = new CallToolResult
        {
            Content =
            [
                new TextContentBlock { Text = "first" },
                new ImageContentBlock { MimeType = "image/png", Data = "QUJD"u8.ToArray() },
                new TextContentBlock { Text = "second" },
            ],
        };
        var outcome = McpResults.ToOutcome(result, 1000);
        Assert.That(outcome.Result!.Value.GetString(), Is.EqualTo("first\n[image: image/png, 4 base64 characters]\nsecond"));
    }

    [Test]
    public void An_error_result_is_an_error_for_the_model()
    {
        var outcome = McpResults.ToOutcome(new CallToolResult { Content = [new TextContentBlock { Text = "no such file" }], IsError = true }, 1000);
        Assert.That(outcome.Result, Is.Null);
        Assert.That(outcome.Error, Is.EqualTo("no such file"));
    }

    [Test]
    public void Long_results_are_cut_with_a_note()
    {
        var outcome = McpResults.ToOutcome(new CallToolResult { Content = [new TextContentBlock { Text = new string('x', 50) }] }, 10);
        Assert.That(outcome.Result!.Value.GetString(), Is.EqualTo(new string('x', 10) + "\n[truncated: 10 of 50 characters shown]"));

        // Structured content that does not fit falls back to the (cut) text.
        var structured = McpResults.ToOutcome(new CallToolResult
        {
            Content = [new TextContentBlock { Text = "short" }],
            StructuredContent = JsonDocument.Parse("{\"long\":\"" + new string('y', 50) + "\"}").RootElement,
        }, 20);
        Assert.That(structured.Result!.Value.GetString(), Is.EqualTo("short"));
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("colon:name")]
    public void Malformed_server_names_are_refused(string name)
        => Assert.Throws(Is.InstanceOf<ArgumentException>(), () => McpServer.Stdio(name, "node"));

    [Test]
    public void Http_servers_need_an_absolute_http_uri()
    {
        Assert.Throws<ArgumentException>(() => McpServer.Http("a", new Uri("/mcp", UriKind.Relative)));
        Assert.Throws<ArgumentException>(() => McpServer.Http("a", new Uri("ftp://host/mcp")));
        Assert.That(McpServer.Http("a", new Uri("https://host/mcp")).Transport, Is.EqualTo(McpTransportKind.Http));
    }

    [Test]
    public void From_attribute_applies_the_settings_and_refuses_both_transports()
    {
        var server = McpServer.FromAttribute("files", "npx", ["-y", "pkg"], "/srv", null, false, ["write_file"], ["read_file", "write_file"], "fs_");
        Assert.Multiple(() =>
        {
            Assert.That(server.Transport, Is.EqualTo(McpTransportKind.Stdio));
            Assert.That(server.Arguments, Is.EqualTo(new[] { "-y", "pkg" }));
            Assert.That(server.WorkingDirectory, Is.EqualTo("/srv"));
            Assert.That(server.RequiresApproval("write_file"), Is.True);
            Assert.That(server.RequiresApproval("read_file"), Is.False);
            Assert.That(server.AllowedTools, Is.EquivalentTo(new[] { "read_file", "write_file" }));
            Assert.That(server.ToolNamePrefix, Is.EqualTo("fs_"));
        });
        Assert.That(McpServer.FromAttribute("all", null, [], null, "http://h/mcp", true, [], null, null).RequiresApproval("anything"), Is.True);
        Assert.Throws<ArgumentException>(() => McpServer.FromAttribute("x", "npx", [], null, "http://h/mcp", false, [], null, null));
    }

    [Test]
    public void Sessions_are_shared_by_equal_descriptions_only()
    {
        var a = McpServer.Stdio("s", "node", ["a.js"], new Dictionary<string, string?> { ["K"] = "1" });
        var same = McpServer.Stdio("s", "node", ["a.js"], new Dictionary<string, string?> { ["K"] = "1" });
        same.RequireApprovalForAllTools = true; // per-run settings do not change the connection
        var other = McpServer.Stdio("s", "node", ["a.js"], new Dictionary<string, string?> { ["K"] = "2" });
        Assert.That(same.ConnectionKey(), Is.EqualTo(a.ConnectionKey()));
        Assert.That(other.ConnectionKey(), Is.Not.EqualTo(a.ConnectionKey()));
    }

    [Test]
    public void Mcp_tools_are_named_with_the_prefix_and_gated_per_server_settings()
    {
        var server = McpServer.Http("docs", new Uri("http://h/mcp"));
        server.ToolNamePrefix = "docs_";
        server.ToolsRequiringApproval.Add("delete");
        var schema = JsonDocument.Parse("{\"type\":\"object\"}").RootElement;
        DurableTool delete = new McpTool(server, new McpToolInfo { Name = "delete", Description = "Deletes.", InputSchema = schema });
        DurableTool read = new McpTool(server, new McpToolInfo { Name = "read", InputSchema = schema });
        Assert.That((delete.Name, delete.RequiresApproval, delete.Description), Is.EqualTo(("docs_delete", true, "Deletes.")));
        Assert.That((read.Name, read.RequiresApproval), Is.EqualTo(("docs_read", false)));
    }
}
