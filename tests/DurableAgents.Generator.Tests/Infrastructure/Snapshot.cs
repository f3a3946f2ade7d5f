using System.Runtime.CompilerServices;

namespace DurableAgents.Generator.Tests.Infrastructure;

/// <summary>
/// Verify's file convention without Verify: <c>Snapshots/{name}.verified.cs</c> next to the calling test file.
/// On a mismatch <c>{name}.received.cs</c> is written and the test fails; <c>UPDATE_SNAPSHOTS=1</c> accepts the
/// received text; a missing snapshot fails when <c>CI=true</c> and is otherwise written (and still fails, so a new
/// snapshot is always reviewed once).
/// </summary>
public static class Snapshot
{
    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(SourcePath(callerFile))!, "Snapshots");
        Directory.CreateDirectory(directory);
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        var update = Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";

        if (!File.Exists(verified))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true" && !update)
            {
                File.WriteAllText(received, actual);
                Assert.Fail($"Snapshot {verified} is missing (CI=true). The output was written to {received}.");
            }

            File.WriteAllText(verified, actual);
            if (!update)
            {
                Assert.Fail($"Snapshot {verified} did not exist and was written; review it and run again.");
            }

            return;
        }

        var expected = File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            if (File.Exists(received))
            {
                File.Delete(received);
            }

            return;
        }

        if (update)
        {
            File.WriteAllText(verified, actual);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.That(actual, Is.EqualTo(expected), $"Snapshot mismatch: compare {received} with {verified} (UPDATE_SNAPSHOTS=1 accepts).");
    }

    /// <summary>
    /// The real path of a test source file. Deterministic CI builds map source paths (e.g. to <c>/_/tests/…</c>), so a
    /// mapped path is resolved against the project directory recorded at build time and its ancestors.
    /// </summary>
    private static string SourcePath(string callerFile)
    {
        if (File.Exists(callerFile))
        {
            return callerFile;
        }

        var projectDirectory = typeof(Snapshot).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ProjectDirectory").Value!;
        var parts = callerFile.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var dir = new DirectoryInfo(projectDirectory); dir is not null; dir = dir.Parent)
        {
            // Try every suffix of the mapped path under this directory (the map root is unknown here).
            for (var skip = 0; skip < parts.Length; skip++)
            {
                var candidate = Path.Combine([dir.FullName, .. parts.Skip(skip)]);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"Cannot locate the test source {callerFile} under {projectDirectory} or its parents.");
    }
}
