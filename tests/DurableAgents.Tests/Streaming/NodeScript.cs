using System.Diagnostics;
using System.Text.Json.Nodes;
using DurableAgents.Tests.Packaging;

namespace DurableAgents.Tests.Streaming;

/// <summary>Runs a Node test script of this folder (with the repository's node_modules) and parses its last output line as JSON.</summary>
internal static class NodeScript
{
    /// <summary>The repository root, checked to have the npm packages the Node scripts import.</summary>
    public static string RepositoryRoot()
    {
        var root = LocalFeed.FindRepositoryRoot();
        if (!Directory.Exists(Path.Combine(root, "node_modules", "@ag-ui", "client")))
        {
            throw new DirectoryNotFoundException($"{root}/node_modules/@ag-ui/client not found: run `npm ci` at the repository root.");
        }

        return root;
    }

    /// <summary>Runs <c>node tests/DurableAgents.Tests/Streaming/{script} {arguments}</c>; it must exit 0 within 90 s.</summary>
    public static async Task<JsonNode> RunAsync(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "DurableAgents.Tests", "Streaming", script));
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SUPPRESS_TRANSFORMATION_WARNINGS"] = "true";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        var output = await stdout;
        Assert.That(process.ExitCode, Is.EqualTo(0), output + await stderr);
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }
}
