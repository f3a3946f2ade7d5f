namespace DurableAgents.Tests.Packaging;

/// <summary>
/// The journal lock through real <c>dotnet build</c>s of a small app inside the repository (so it gets the in-repo
/// build defaults, DurableAgents.targets included): <c>-p:DurableAgentsJournalLock=update</c> writes
/// <c>DurableAgents.journal.lock</c>; renaming a step then fails the normal build with DA4001; accepting the change
/// (another update build) makes it pass again.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class JournalLockBuildTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(5);

    private const string Service = """
        using DurableAgents;

        namespace LockApp;

        [Service]
        public sealed partial class Shop
        {
            [Handler]
            public static async Task<string> CheckoutAsync(IContext context, string order)
            {
                var total = await context.RunAsync("price", _ => Task.FromResult(order.Length));
                await context.SleepAsync(TimeSpan.FromMilliseconds(10));
                return await context.RunAsync("charge", _ => Task.FromResult(order + ":" + total));
            }
        }
        """;

    private string _app = null!;

    [SetUp]
    public void CreateApp()
    {
        var root = LocalFeed.FindRepositoryRoot();
        // Under the test's own output folder: inside the repository (Directory.Build.* apply), outside any project's globs.
        _app = Path.Combine(TestContext.CurrentContext.TestDirectory, "journal-lock-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_app);
        var relative = Path.GetRelativePath(_app, root).Replace('\\', '/');
        File.WriteAllText(Path.Combine(_app, "LockApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{relative}/runtime/DurableAgents/DurableAgents.csproj" GlobalPropertiesToRemove="DurableAgentsJournalLock" />
                <ProjectReference Include="{relative}/generator/DurableAgents.Generator/DurableAgents.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" GlobalPropertiesToRemove="DurableAgentsJournalLock" />
                <ProjectReference Include="{relative}/analyzers/DurableAgents.Analyzers/DurableAgents.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" GlobalPropertiesToRemove="DurableAgentsJournalLock" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_app, "Program.cs"), "return 0;\n");
        File.WriteAllText(Path.Combine(_app, "Shop.cs"), Service);
    }

    [TearDown]
    public void DeleteApp()
    {
        try
        {
            Directory.Delete(_app, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<DotnetCli.Result> BuildAsync(params string[] extra)
        => DotnetCli.RunAsync(_app, CliTimeout, ["build", "-c", Configuration, "-nologo", "-v", "m", .. extra]);

    [Test]
    public async Task UpdateWritesTheLockAndARenamedStepFailsTheBuild()
    {
        var lockPath = Path.Combine(_app, "DurableAgents.journal.lock");
        var update = await BuildAsync("-p:DurableAgentsJournalLock=update");
        Assert.That(update.ExitCode, Is.EqualTo(0), update.ToString());
        Assert.That(update.Output, Does.Contain("DurableAgents: wrote DurableAgents.journal.lock (1 handlers)"));
        var written = File.ReadAllText(lockPath);
        Assert.That(written, Does.StartWith("# DurableAgents journal lock v1").And.Not.Contain("\r"));
        Assert.That(written, Does.Match("handler Shop/checkout\n  run \"price\" -> Int32@[0-9a-f]{8}\n  sleep\n  run \"charge\" -> String@17c16538\n$"));

        var again = await BuildAsync("-p:DurableAgentsJournalLock=update");
        Assert.That(again.Output, Does.Contain("DurableAgents.journal.lock is up to date (1 handlers)"), again.ToString());

        var clean = await BuildAsync();
        Assert.That(clean.ExitCode, Is.EqualTo(0), clean.ToString());
        Assert.That(clean.Output, Does.Not.Contain("DA400"));

        File.WriteAllText(Path.Combine(_app, "Shop.cs"), Service.Replace("\"charge\"", "\"charge-card\"", StringComparison.Ordinal));
        var broken = await BuildAsync();
        Assert.That(broken.ExitCode, Is.Not.EqualTo(0), broken.ToString());
        Assert.That(broken.Output, Does.Contain("error DA4001").And.Contain(
            "Handler 'Shop/checkout' changes its journal at step 3: locked 'run \"charge\" -> String@17c16538', now 'run \"charge-card\" -> String@17c16538' (renamed)"));
        Assert.That(File.ReadAllText(lockPath), Is.EqualTo(written), "a normal build never writes the lock");

        var accepted = await BuildAsync("-p:DurableAgentsJournalLock=update");
        Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.ToString());
        Assert.That(File.ReadAllText(lockPath), Does.Contain("  run \"charge-card\" -> String@17c16538\n"));
        var after = await BuildAsync();
        Assert.That(after.ExitCode, Is.EqualTo(0), after.ToString());
    }
}
