using System.Diagnostics;
using System.Text;

namespace DurableAgents.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> CLI (or another tool) as a child process with a time limit, capturing its output.</summary>
internal static class DotnetCli
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}:\n{Output}";
    }

    /// <summary>
    /// Runs <c>dotnet {arguments}</c> in <paramref name="workingDirectory"/>. The variables the test host and MSBuild set
    /// for themselves are removed, so the child behaves as if a user ran it in a terminal.
    /// </summary>
    public static Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
        => RunToolAsync("dotnet", workingDirectory, timeout, arguments);

    /// <summary>As <see cref="RunAsync"/> for another command line tool on the PATH (e.g. <c>npm</c>).</summary>
    public static async Task<Result> RunToolAsync(string tool, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || key == "DOTNET_HOST_PATH")
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1"; // leave no build servers behind

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output)
            {
                throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
            }
        }

        process.WaitForExit(); // flushes the redirected streams
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }
}
