using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Clients;

namespace DurableAgents.Testing;

/// <summary>
/// A real restate-server process on free loopback ports with its own base directory. Start it, register endpoints,
/// invoke through <see cref="IngressUri"/>, kill and restart it, and dispose it to stop it and delete its data.
/// </summary>
public sealed class RestateServer : IAsyncDisposable
{
    private readonly RestateServerOptions _options;
    private readonly bool _ownsBaseDirectory;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _adminHttp;
    private readonly HttpClient _ingressHttp;
    private readonly AdminClient _admin;
    private Process? _process;
    private bool _disposed;

    private RestateServer(RestateServerOptions options, string binary, string baseDirectory, bool ownsBaseDirectory, int ingressPort, int adminPort, int nodePort)
    {
        _options = options;
        BinaryPath = binary;
        BaseDirectory = baseDirectory;
        _ownsBaseDirectory = ownsBaseDirectory;
        IngressPort = ingressPort;
        AdminPort = adminPort;
        NodePort = nodePort;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        _adminHttp = new HttpClient { BaseAddress = AdminUri, Timeout = TimeSpan.FromSeconds(100) };
        _admin = new AdminClient(_adminHttp);
        _ingressHttp = new HttpClient { BaseAddress = IngressUri, Timeout = TimeSpan.FromSeconds(100) };
        Ingress = new IngressClient(_ingressHttp);
    }

    /// <summary>A typed client of this server's admin API (deployments, services, cancel/kill, SQL queries).</summary>
    public AdminClient Admin => _admin;

    /// <summary>A typed client of this server's ingress (calls, sends, attach, awakeables).</summary>
    public IngressClient Ingress { get; }

    public string BinaryPath { get; }

    public string BaseDirectory { get; }

    public int IngressPort { get; }

    public int AdminPort { get; }

    public int NodePort { get; }

    public Uri IngressUri => new($"http://127.0.0.1:{IngressPort}/");

    public Uri AdminUri => new($"http://127.0.0.1:{AdminPort}/");

    /// <summary>A client for ad-hoc requests (no base address).</summary>
    public HttpClient Http { get; }

    /// <summary>What the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on free ports with a fresh base directory and waits until it is healthy.</summary>
    public static async Task<RestateServer> StartAsync(RestateServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RestateServerOptions();
        var binary = options.BinaryPath ?? FindBinary();
        var owns = options.BaseDirectory is null;
        var baseDir = options.BaseDirectory ?? Path.Combine(Path.GetTempPath(), "restate-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(baseDir);
        var ports = FreePorts(3);
        var server = new RestateServer(options, binary, baseDir, owns, ports[0], ports[1], ports[2]);
        try
        {
            await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>The restate-server binary: env RESTATE_SERVER_BIN, else node_modules above the current or base directory.</summary>
    public static string FindBinary()
    {
        var env = System.Environment.GetEnvironmentVariable("RESTATE_SERVER_BIN");
        if (!string.IsNullOrEmpty(env))
        {
            return File.Exists(env) ? env : throw new FileNotFoundException($"RESTATE_SERVER_BIN points to '{env}', which does not exist.");
        }

        var relative = Path.Combine("node_modules", "@restatedev", "restate-server-linux-x64", "bin", "restate-server");
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("restate-server not found: run `npm ci` at the repository root (package.json pins @restatedev/restate-server 1.7.12) or set RESTATE_SERVER_BIN.");
    }

    /// <summary>Free loopback TCP ports (bound and released; distinct).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                listeners.Add(l);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners)
            {
                l.Stop();
            }
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--base-dir");
        psi.ArgumentList.Add(BaseDirectory);
        psi.ArgumentList.Add("--no-logo");
        psi.Environment["RESTATE_BIND_ADDRESS"] = $"127.0.0.1:{NodePort}";
        psi.Environment["RESTATE_ADVERTISED_ADDRESS"] = $"http://127.0.0.1:{NodePort}/";
        psi.Environment["RESTATE_ADMIN__BIND_ADDRESS"] = $"127.0.0.1:{AdminPort}";
        psi.Environment["RESTATE_INGRESS__BIND_ADDRESS"] = $"127.0.0.1:{IngressPort}";
        psi.Environment["RESTATE_ADMIN__DISABLE_WEB_UI"] = "true";
        psi.Environment["RESTATE_DISABLE_TELEMETRY"] = "true";
        psi.Environment["RESTATE_DEFAULT_NUM_PARTITIONS"] = _options.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE"] = "256MiB";
        psi.Environment["RESTATE_ADMIN__QUERY_ENGINE__MEMORY_SIZE"] = "128MiB";
        psi.Environment["RESTATE_LOG_DISABLE_ANSI_CODES"] = "true";
        psi.Environment["RESTATE_LOG_FILTER"] = "warn,restate=warn";
        if (_options.Environment is not null)
        {
            foreach (var (k, v) in _options.Environment)
            {
                psi.Environment[k] = v;
            }
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {BinaryPath}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"restate-server exited with code {process.ExitCode} during start-up:\n{Output}");
            }

            if (await IsHealthyAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (deadline.Elapsed > _options.StartTimeout)
            {
                throw new TimeoutException($"restate-server did not become healthy within {_options.StartTimeout}:\n{Output}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _options.Log?.Invoke(line);
        lock (_output)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var admin = await Http.GetAsync(new Uri(AdminUri, "health"), cancellationToken).ConfigureAwait(false);
            if (!admin.IsSuccessStatusCode)
            {
                return false;
            }

            using var ingress = await Http.GetAsync(new Uri(IngressUri, "restate/health"), cancellationToken).ConfigureAwait(false);
            return ingress.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Registers (force-updates) a deployment and returns the admin API's JSON answer (errors: <see cref="RestateAdminException"/>).</summary>
    public async Task<JsonObject> RegisterAsync(Uri deploymentUri, bool useHttp11 = false, bool force = true, CancellationToken cancellationToken = default)
        => (await _admin.RegisterDeploymentAsync(deploymentUri, force, useHttp11, cancellationToken: cancellationToken).ConfigureAwait(false)).Raw;

    /// <summary>Runs a SQL query on the admin API (<c>sys_invocation</c>, <c>sys_journal</c>, …) and returns the rows.</summary>
    public Task<JsonArray> QueryAsync(string sql, CancellationToken cancellationToken = default)
        => _admin.QueryAsync(sql, cancellationToken);

    /// <summary>SIGKILLs the server (no clean shutdown).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the server again on the same ports and base directory (after <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        _process = null;
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (SIGTERM, then SIGKILL) and deletes a base directory it created. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_process is { HasExited: false } p)
        {
            try
            {
                // SIGTERM first for a clean shutdown, then SIGKILL.
                using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                {
                    await (term?.WaitForExitAsync() ?? Task.CompletedTask).ConfigureAwait(false);
                }

                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await KillAsync().ConfigureAwait(false);
        }

        _process?.Dispose();
        _process = null;
        Http.Dispose();
        _adminHttp.Dispose();
        _ingressHttp.Dispose();
        if (_ownsBaseDirectory)
        {
            try
            {
                Directory.Delete(BaseDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
