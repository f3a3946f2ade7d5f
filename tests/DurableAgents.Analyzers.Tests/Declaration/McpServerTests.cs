using VerifyCS = DurableAgents.Analyzers.Tests.Verifiers.AnalyzerVerifier<DurableAgents.Analyzers.Declaration.McpServerAnalyzer>;

namespace DurableAgents.Analyzers.Tests.Declaration;

/// <summary>DA1011: an [McpServer] declaration the generator cannot use.</summary>
public class McpServerTests
{
    [Test]
    public async Task InvalidDeclarationsAreReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent]
            [{|#0:McpServer("")|}]
            [{|#1:McpServer("files", Command = "npx", Url = "http://localhost:3000/mcp")|}]
            [{|#2:McpServer("nothing")|}]
            [{|#3:McpServer("remote", Url = "/relative/mcp")|}]
            [McpServer("docs", Url = "https://example.com/mcp")]
            [{|#4:McpServer("docs", Command = "docs-server")|}]
            [{|#5:McpServer("has space", Command = "x")|}]
            public partial class Assistant
            {
            }

            [{|#6:McpServer("stray", Command = "x")|}]
            public class NotAnAgent
            {
            }
            """,
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(0).WithArguments("Assistant", "the server name '' must be 1 to 64 ASCII letters, digits, '_', '-' or '.' (it is part of step names)"),
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(1).WithArguments("Assistant", "server 'files' sets both Command (stdio) and Url (Streamable HTTP); set exactly one"),
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(2).WithArguments("Assistant", "server 'nothing' sets neither Command (stdio) nor Url (Streamable HTTP); set exactly one"),
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(3).WithArguments("Assistant", "server 'remote' has Url '/relative/mcp', which is not an absolute http(s) URL"),
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(4).WithArguments("Assistant", "the server name 'docs' is used twice (step names mcp:docs:... would collide)"),
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(5).WithArguments("Assistant", "the server name 'has space' must be 1 to 64 ASCII letters, digits, '_', '-' or '.' (it is part of step names)"),
            VerifyCS.Diagnostic(RuleIds.InvalidMcpServer).WithLocation(6).WithArguments("NotAnAgent", "[McpServer] applies to [DurableAgent] classes only; the generator ignores it here"));
    }

    [Test]
    public async Task ValidDeclarationsAreNotReported()
    {
        await VerifyCS.VerifyAsync("""
            [DurableAgent(Session = true)]
            [McpServer("everything", Command = "npx", Arguments = new[] { "-y", "@modelcontextprotocol/server-everything" }, AllowedTools = new[] { "echo" })]
            [McpServer("github.v2", Url = "https://api.example.com/mcp", RequireApproval = true, ToolNamePrefix = "gh_")]
            public partial class Assistant
            {
            }
            """);
    }
}
