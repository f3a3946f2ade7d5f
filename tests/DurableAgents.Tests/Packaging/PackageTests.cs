using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DurableAgents.Testing;

namespace DurableAgents.Tests.Packaging;

/// <summary>
/// The install path of the README: <c>dotnet pack</c> of DurableAgents and DurableAgents.Testing into a folder feed, the
/// package contents and metadata, then a fresh <c>dotnet new web</c> app with a NuGet.config (the folder plus nuget.org),
/// <c>dotnet add package DurableAgents</c>, the files of the README's "Install" section, a build with warnings as errors
/// and the app run as the README says: <c>/discover</c> over h2c, both handlers called through a real restate-server, no
/// warning in its log. The packages come from the run's shared <see cref="LocalFeed"/>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PackageTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(5);
    private const string ReleaseRepositoryUrl = LocalFeed.ReleaseRepositoryUrl;

    private LocalFeed _packed = null!;
    private string _root = null!;
    private string _work = null!;
    private string _feed = null!;
    private string _version = null!;

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        _packed = await LocalFeed.GetAsync();
        (_root, _feed, _version) = (_packed.Root, _packed.Feed, _packed.Version);
        _work = Path.Combine(_packed.Work, "package-tests");
        Directory.CreateDirectory(_work);
    }

    private string Package(string id, string extension = "nupkg") => _packed.Package(id, extension);

    [Test]
    public void The_package_carries_runtime_generator_analyzers_code_fixes_build_defaults_and_readme()
    {
        using var zip = ZipFile.OpenRead(Package("DurableAgents"));
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.That(names, Is.SupersetOf(new[]
        {
            "lib/net10.0/DurableAgents.dll",
            "lib/net10.0/DurableAgents.xml",
            "analyzers/dotnet/cs/DurableAgents.Generator.dll",
            "analyzers/dotnet/cs/DurableAgents.Analyzers.dll",
            "analyzers/dotnet/cs/DurableAgents.CodeFixes.dll",
            "buildTransitive/DurableAgents.targets",
            "build/DurableAgents.targets",
            "README.md",
        }));
        Assert.Multiple(() =>
        {
            Assert.That(names.Count(n => n.StartsWith("analyzers/", StringComparison.Ordinal)), Is.EqualTo(3), "only our three Roslyn components");
            Assert.That(names.Where(n => n.StartsWith("lib/", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)),
                Is.EqualTo(new[] { "lib/net10.0/DurableAgents.dll" }), "the generator and analyzers are not referenced as libraries");
        });

        using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
        {
            Assert.That(readme.ReadToEnd(), Does.Contain("## Install"), "the repository README is the package readme");
        }

        var nuspec = Nuspec(zip, "DurableAgents.nuspec");
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        var license = metadata.Element(ns + "license");
        var repository = metadata.Element(ns + "repository");
        Assert.Multiple(() =>
        {
            Assert.That(metadata.Element(ns + "id")?.Value, Is.EqualTo("DurableAgents"));
            Assert.That(metadata.Element(ns + "version")?.Value, Is.EqualTo(_version));
            Assert.That(license?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That(license?.Value, Is.EqualTo("MIT"));
            Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
            Assert.That(repository?.Attribute("type")?.Value, Is.EqualTo("git"));
            Assert.That(repository?.Attribute("url")?.Value, Is.EqualTo(ReleaseRepositoryUrl));
            Assert.That(metadata.Element(ns + "projectUrl")?.Value, Is.EqualTo(ReleaseRepositoryUrl));
            Assert.That(repository?.Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"), "SourceLink stamps the commit");
            Assert.That(metadata.Element(ns + "description")?.Value, Is.Not.Empty);
            var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
            Assert.That(dependencies, Does.Contain("Microsoft.Extensions.AI"));
            Assert.That(dependencies, Has.None.StartsWith("Grpc.Tools").And.None.StartsWith("Microsoft.CodeAnalysis").And.None.StartsWith("OpenTelemetry"),
                "build-time tools and OpenTelemetry are no dependencies of the runtime");
        });
    }

    [Test]
    public void Symbols_and_the_test_harness_are_packed_too()
    {
        using (var symbols = ZipFile.OpenRead(Package("DurableAgents", "snupkg")))
        {
            Assert.That(symbols.Entries.Select(e => e.FullName), Does.Contain("lib/net10.0/DurableAgents.pdb"));
        }

        using var testing = ZipFile.OpenRead(Package("DurableAgents.Testing"));
        Assert.That(testing.Entries.Select(e => e.FullName), Is.SupersetOf(new[] { "lib/net10.0/DurableAgents.Testing.dll", "README.md" }));
        var nuspec = Nuspec(testing, "DurableAgents.Testing.nuspec");
        var ns = nuspec.Root!.Name.Namespace;
        var onRuntime = nuspec.Descendants(ns + "dependency").Single(d => d.Attribute("id")?.Value == "DurableAgents");
        Assert.Multiple(() =>
        {
            Assert.That(onRuntime.Attribute("version")?.Value, Is.EqualTo(_version), "the harness depends on the same version of the runtime");
            Assert.That(nuspec.Descendants(ns + "license").Single().Value, Is.EqualTo("MIT"));
        });
        Assert.That(File.Exists(Package("DurableAgents.Testing", "snupkg")), Is.True);
    }

    /// <summary>The portable-PDB custom debug information kind of an embedded source document.</summary>
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Test]
    public void The_symbols_embed_untracked_sources_and_map_paths_deterministically_under_CI()
    {
        using var symbols = ZipFile.OpenRead(Package("DurableAgents", "snupkg"));
        using var pdb = new MemoryStream();
        using (var entry = symbols.GetEntry("lib/net10.0/DurableAgents.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        var embedded = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(c => c.Parent.Kind == HandleKind.Document && reader.GetGuid(c.Kind) == EmbeddedSourceKind)
            .Select(c => reader.GetString(reader.GetDocument((DocumentHandle)c.Parent).Name)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(documents, Has.Some.EndsWith("runtime/DurableAgents/Hosting/RestateEndpoint.cs"));
            Assert.That(embedded, Has.Some.EndsWith("/Protocol/Protocol.cs"), "EmbedUntrackedSources: the protobuf-generated code travels in the PDB");
            Assert.That(embedded, Has.None.EndsWith("/Hosting/RestateEndpoint.cs"), "tracked sources come from the repository, not the PDB");
        });

        // Directory.Build.props: CI=true turns on ContinuousIntegrationBuild, which maps the source root to /_/ (no
        // machine paths in a released PDB). A local build keeps real paths for the debugger.
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.That(documents, Has.All.StartsWith("/_/"), "deterministic source paths under CI=true");
        }
        else
        {
            Assert.That(documents, Has.Some.StartsWith(_root.TrimEnd('/') + "/"), "a local build keeps the checkout's paths");
        }
    }

    [Test]
    public async Task A_new_web_app_written_from_the_README_builds_with_zero_warnings_and_serves_its_handlers()
    {
        var files = ReadmeInstallFiles(File.ReadAllText(Path.Combine(_root, "README.md")));
        Assert.That(files.Keys, Is.SupersetOf(new[] { "Program.cs", "GreeterService.cs", "WeatherAgent.cs" }), "the README's Install section names its files");

        var app = Path.Combine(_work, "WeatherApp");
        var created = await DotnetCli.RunAsync(_work, CliTimeout, "new", "web", "-n", "WeatherApp", "-o", app, "--no-restore");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.ToString());

        // The README's NuGet.config: the folder feed and nuget.org (the served copy answers at that address here).
        File.WriteAllText(Path.Combine(app, "NuGet.config"), _packed.NuGetConfig());
        var added = await DotnetCli.RunAsync(app, CliTimeout, "add", "package", "DurableAgents", "--version", _version);
        Assert.That(added.ExitCode, Is.EqualTo(0), added.ToString());

        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(app, name), text);
        }

        var build = await DotnetCli.RunAsync(app, CliTimeout, "build", "-c", "Release", "-warnaserror", "-nologo", "-nodeReuse:false");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        Assert.That(build.Output, Does.Contain(" 0 Warning(s)"), build.ToString());

        // Run the app as the README says (--urls, no Kestrel code of its own), register it with a real restate-server
        // (HTTP/2, the default for http:// deployments) and call both handlers through the ingress.
        var port = RestateServer.FreePorts(1)[0];
        var dll = Path.Combine(app, "bin", "Release", "net10.0", "WeatherApp.dll");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["Logging__Console__FormatterName"] = "simple", ["DOTNET_NOLOGO"] = "1" },
        })!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // HTTP/2 prior knowledge, as Restate connects: a listener that fell back to HTTP/1.1 fails here.
            using var h2c = new HttpClient
            {
                Timeout = TimeSpan.FromSeconds(10),
                DefaultRequestVersion = System.Net.HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            var manifest = await GetWithRetriesAsync(h2c, new Uri($"http://127.0.0.1:{port}/discover"), process);
            Assert.That(manifest, Does.Contain("\"GreeterService\"").And.Contain("\"WeatherAgent\""), manifest);

            await using var restate = await RestateServer.StartAsync();
            await restate.RegisterAsync(new Uri($"http://127.0.0.1:{port}"));
            using var ingress = new HttpClient { BaseAddress = restate.IngressUri, Timeout = TimeSpan.FromSeconds(60) };
            var greeting = await PostJsonAsync(ingress, "GreeterService/greet", """{"name":"Ada"}""");
            Assert.That(greeting, Does.Contain("Hello, Ada!"), greeting);
            var answer = await PostJsonAsync(ingress, "WeatherAgent/run", "\"What is the weather in Paris?\"");
            Assert.That(answer, Does.Contain("Paris").And.Contain("sunny"), answer);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var lines = log.ToArray();
        var warnings = lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal)
            || l.StartsWith("crit:", StringComparison.Ordinal) || l.Contains("HTTP/2 is not enabled", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Is.Empty, "the README app logged warnings:\n" + string.Join("\n", lines));
    }

    private static async Task<string> PostJsonAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"POST {path}: {body}");
        return body;
    }

    [Test]
    public void The_install_files_are_read_from_fenced_blocks_that_name_their_file()
    {
        const string readme = "# x\n## Install\ntext\n```csharp\n// File: A.cs\nclass A;\n```\n```bash\necho no file\n```\n## Next\n```csharp\n// File: B.cs\nclass B;\n```\n";
        var files = ReadmeInstallFiles(readme);
        Assert.That(files.Keys, Is.EqualTo(new[] { "A.cs" }), "only the Install section's blocks that name a file");
        Assert.That(files["A.cs"], Is.EqualTo("// File: A.cs\nclass A;\n"));
    }

    /// <summary>The fenced code blocks of the README's "## Install" section whose first line is <c>// File: name</c>.</summary>
    internal static Dictionary<string, string> ReadmeInstallFiles(string readme)
    {
        var text = readme.Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = text.IndexOf("\n## Install\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the README has an '## Install' section");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(section, "```[a-z]*\n(?<body>// File: (?<name>[A-Za-z0-9_.]+)\n.*?)```", RegexOptions.Singleline))
        {
            files[m.Groups["name"].Value] = m.Groups["body"].Value;
        }

        return files;
    }

    private static async Task<string> GetWithRetriesAsync(HttpClient http, Uri uri, Process app)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(uri);
                var body = await response.Content.ReadAsStringAsync();
                Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
                return body;
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(60) && !app.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    private static XDocument Nuspec(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        return XDocument.Load(stream);
    }
}
