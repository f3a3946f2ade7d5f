using DurableAgents.Tests.Packaging;

namespace DurableAgents.Tests.Samples;

/// <summary>
/// samples/ResearchDesk runs offline as documented: its <c>--demo</c> starts restate-server, a real MCP server (C# SDK) and
/// the service, and checks its own claims (journaled MCP listing and calls, server-side call counts, Agent Framework steps
/// and session state); a failed claim makes it exit 1. Runs the sample the solution build produced.
/// </summary>
[TestFixture]
public sealed class ResearchDeskDemoTests
{
    [Test]
    public async Task The_research_desk_demo_runs_offline_and_its_checks_pass()
    {
        var root = LocalFeed.FindRepositoryRoot();
        var dll = Path.Combine(root, "samples", "ResearchDesk", "bin", LocalFeed.Configuration, "net10.0", "ResearchDesk.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is built by `dotnet build Generator.sln -c {LocalFeed.Configuration}` (./dev.sh test does that first)");

        var result = await DotnetCli.RunAsync(root, TimeSpan.FromMinutes(3), dll, "--demo");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("ok: each MCP call is a journaled step mcp:catalog:find_books:{callId}"), result.ToString());
        Assert.That(result.Output, Does.Contain("ok: the second review saw the first exchange (session kept in state)"), result.ToString());
        Assert.That(result.Output, Does.Contain("done: every claim above was checked"), result.ToString());
        Assert.That(result.Output, Does.Not.Contain("NOT TRUE"), result.ToString());
    }
}
