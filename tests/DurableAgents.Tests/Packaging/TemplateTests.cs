using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DurableAgents.Tests.Packaging;

/// <summary>
/// The consumer path of the template package, as a user walks it: DurableAgents, DurableAgents.Testing and
/// DurableAgents.Templates packed into a folder feed (the run's shared <see cref="LocalFeed"/>), the templates installed
/// into a throw-away template hive, <c>dotnet new durableagent</c> / <c>durableservice</c> in a temp folder with a
/// NuGet.config (the feed first, then nuget.org), <c>npm ci</c> for restate-server, a build with warnings as errors and
/// the generated tests run against a real restate-server; the TRX counters must show every test passed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TemplateTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private LocalFeed _packed = null!;
    private string _work = null!;
    private string _hive = null!;

    [OneTimeSetUp]
    public async Task InstallAsync()
    {
        _packed = await LocalFeed.GetAsync();
        _work = Path.Combine(_packed.Work, "templates");
        _hive = Path.Combine(_work, "hive");
        Directory.CreateDirectory(_hive);
        var install = await DotnetCli.RunAsync(_work, CliTimeout, "new", "install", _packed.Package("DurableAgents.Templates"), "--debug:custom-hive", _hive);
        Assert.That(install.ExitCode, Is.EqualTo(0), install.ToString());
        Assert.That(install.Output, Does.Contain("durableagent").And.Contain("durableservice"), install.ToString());
    }

    [Test]
    public void The_template_package_is_content_only_with_the_packed_version_as_default()
    {
        using var zip = ZipFile.OpenRead(_packed.Package("DurableAgents.Templates"));
        var names = zip.Entries.Select(e => e.FullName).ToList();
        var nuspec = XDocument.Load(zip.GetEntry("DurableAgents.Templates.nuspec")!.Open());
        var ns = nuspec.Root!.Name.Namespace;
        Assert.Multiple(() =>
        {
            Assert.That(nuspec.Descendants(ns + "packageType").Select(p => p.Attribute("name")?.Value), Is.EqualTo(new[] { "Template" }));
            Assert.That(nuspec.Descendants(ns + "license").Single().Value, Is.EqualTo("MIT"));
            Assert.That(nuspec.Descendants(ns + "dependency"), Is.Empty, "a template package depends on nothing");
            Assert.That(names, Has.None.StartsWith("lib/").And.None.EndsWith(".dll"), "no assembly");
            Assert.That(names, Has.None.Contains("/bin/").And.None.Contains("/obj/").And.None.Contains("node_modules"));
            Assert.That(names, Is.SupersetOf(new[]
            {
                "content/durableagent/src/DurableAgent1/WeatherAgent.cs",
                "content/durableagent/tests/DurableAgent1.Tests/WeatherAgentTests.cs",
                "content/durableagent/package-lock.json",
                "content/durableagent/.gitignore",
                "content/durableservice/src/DurableService1/Counter.cs",
                "content/durableservice/tests/DurableService1.Tests/HandlerTests.cs",
            }));
        });

        foreach (var (template, sourceName) in new[] { ("durableagent", "DurableAgent1"), ("durableservice", "DurableService1") })
        {
            var config = JsonNode.Parse(Read(zip, $"content/{template}/.template.config/template.json"))!;
            Assert.Multiple(() =>
            {
                Assert.That((string?)config["shortName"], Is.EqualTo(template));
                Assert.That((string?)config["sourceName"], Is.EqualTo(sourceName));
                Assert.That((string?)config["symbols"]?["DurableAgentsVersion"]?["defaultValue"], Is.EqualTo(_packed.Version), "pack stamps its version");
            });
            var lockFile = JsonNode.Parse(Read(zip, $"content/{template}/package-lock.json"))!["packages"]!;
            Assert.Multiple(() =>
            {
                Assert.That((string?)lockFile["node_modules/@restatedev/restate-server"]?["version"], Is.EqualTo("1.7.12"));
                Assert.That((string?)lockFile["node_modules/@restatedev/restate-server-linux-x64"]?["integrity"], Does.StartWith("sha512-"));
            });
        }
    }

    [TestCase("durableagent", "Acme.Agent", 2)]
    [TestCase("durableservice", "Acme.Shop", 2)]
    public async Task A_project_from_the_template_builds_with_warnings_as_errors_and_its_tests_pass_against_restate_server(string template, string name, int tests)
    {
        var dir = Path.Combine(_work, template);
        var created = await DotnetCli.RunAsync(_work, CliTimeout, "new", template, "-n", name, "-o", dir, "--debug:custom-hive", _hive);
        Assert.That(created.ExitCode, Is.EqualTo(0), created.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(Path.Combine(dir, $"{name}.slnx"), Does.Exist);
            Assert.That(Path.Combine(dir, "src", name, $"{name}.csproj"), Does.Exist);
            Assert.That(Path.Combine(dir, "tests", $"{name}.Tests", $"{name}.Tests.csproj"), Does.Exist);
            Assert.That(File.ReadAllText(Path.Combine(dir, "Directory.Build.props")), Does.Contain($"<DurableAgentsVersion>{_packed.Version}</DurableAgentsVersion>"));
            Assert.That(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(File.ReadAllText),
                Has.None.Contains("DurableAgent1").And.None.Contains("DurableService1").And.None.Contains("PROJECT_NPM_NAME"), "every placeholder is replaced");
        });
        File.WriteAllText(Path.Combine(dir, "NuGet.config"), _packed.NuGetConfig());

        var npm = await DotnetCli.RunToolAsync("npm", dir, CliTimeout, "ci", "--no-audit", "--no-fund", "--loglevel=error");
        Assert.That(npm.ExitCode, Is.EqualTo(0), npm.ToString());
        Assert.That(Path.Combine(dir, "node_modules", "@restatedev", "restate-server-linux-x64", "bin", "restate-server"), Does.Exist);

        var build = await DotnetCli.RunAsync(dir, BuildTimeout, "build", "-warnaserror", "-nologo", "-nodeReuse:false");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        Assert.That(build.Output, Does.Contain(" 0 Warning(s)"), build.ToString());

        var results = Path.Combine(dir, "TestResults");
        var test = await DotnetCli.RunAsync(dir, BuildTimeout, "test", "--no-build", "-nologo", "--logger", "trx;LogFileName=template.trx", "--results-directory", results);
        Assert.That(test.ExitCode, Is.EqualTo(0), test.ToString());
        var counters = Regex.Match(File.ReadAllText(Path.Combine(results, "template.trx")), "<Counters [^>]*>").Value;
        Assert.Multiple(() =>
        {
            Assert.That(Counter(counters, "total"), Is.EqualTo(tests), counters);
            Assert.That(Counter(counters, "passed"), Is.EqualTo(tests), counters);
            Assert.That(Counter(counters, "failed"), Is.EqualTo(0), counters);
        });
    }

    private static int Counter(string counters, string name)
    {
        var m = Regex.Match(counters, $" {name}=\"([0-9]+)\"");
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    private static string Read(ZipArchive zip, string entry)
    {
        using var reader = new StreamReader(zip.GetEntry(entry)?.Open() ?? throw new AssertionException($"{entry} is not in the package"));
        return reader.ReadToEnd();
    }
}
