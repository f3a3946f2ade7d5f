namespace DurableAgents.Tests.Packaging;

/// <summary>
/// One <c>dotnet pack</c> of DurableAgents, DurableAgents.Testing and DurableAgents.Templates into a temporary folder
/// feed, shared by every packaging test of the run (packing is the slow part). The packages get a version of their own
/// per run, so restore never takes a stale copy from the global packages folder; <see cref="PackagingCleanup"/> deletes
/// the feed and those global-folder copies after the last packaging test.
/// </summary>
internal sealed class LocalFeed
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>What a release build passes as <c>-p:RepositoryUrl</c> (the packages have no built-in default).</summary>
    public const string ReleaseRepositoryUrl = "https://git.example.test/durableagents.git";

    /// <summary>The package ids packed, lower-cased as the global packages folder names them.</summary>
    private static readonly string[] PackageIds = ["durableagents", "durableagents.testing", "durableagents.templates"];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private static LocalFeed? _instance;

    private LocalFeed(string root, string work, string version)
    {
        Root = root;
        Work = work;
        Feed = Path.Combine(work, "feed");
        Version = version;
    }

    /// <summary>The repository root (the folder of Generator.sln).</summary>
    public string Root { get; }

    /// <summary>A temporary folder for the tests' own files; the feed is its <c>feed</c> subfolder.</summary>
    public string Work { get; }

    /// <summary>The folder feed holding the packed .nupkg and .snupkg files.</summary>
    public string Feed { get; }

    /// <summary>The version every package of this run was packed with.</summary>
    public string Version { get; }

    /// <summary>The path of a packed file in the feed.</summary>
    public string Package(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    /// <summary>A NuGet.config that puts the feed first and keeps the machine's normal source (nuget.org).</summary>
    public string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="durableagents" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """;

    /// <summary>Packs the three packages on the first call; later calls get the same feed.</summary>
    public static async Task<LocalFeed> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_instance is not null)
            {
                return _instance;
            }

            var root = FindRepositoryRoot();
            var version = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..6]}";
            var feed = new LocalFeed(root, Path.Combine(Path.GetTempPath(), "da-package-" + Guid.NewGuid().ToString("N")[..10]), version);
            Directory.CreateDirectory(feed.Feed);
            _instance = feed; // cleaned up even when a pack below fails
            // --no-build for the runtime and the harness: the test run has built them (the test project references them).
            // The template package has no assembly worth the name; its pack stages the content with the version stamped in.
            foreach (var (project, noBuild) in new[] { ("runtime/DurableAgents", true), ("runtime/DurableAgents.Testing", true), ("runtime/DurableAgents.Templates", false) })
            {
                string[] arguments = ["pack", project, "-c", Configuration, "-o", feed.Feed, "-p:PackageVersion=" + version,
                    "-p:RepositoryUrl=" + ReleaseRepositoryUrl, "-nologo", .. noBuild ? new[] { "--no-build" } : []];
                var pack = await DotnetCli.RunAsync(root, PackTimeout, arguments);
                Assert.That(pack.ExitCode, Is.EqualTo(0), $"dotnet pack {project}: {pack}");
            }

            return feed;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Deletes the feed, the work folder and this run's packages from the global packages folder.</summary>
    public static void CleanUp()
    {
        var feed = Interlocked.Exchange(ref _instance, null);
        if (feed is null)
        {
            return;
        }

        TryDelete(feed.Work);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            TryDelete(Path.Combine(packages, id, feed.Version));
        }
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Generator.sln")) && Directory.Exists(Path.Combine(dir.FullName, "runtime", "DurableAgents")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (Generator.sln) is not above " + AppContext.BaseDirectory);
    }

    public static void TryDelete(string? path)
    {
        try
        {
            if (path is not null && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
