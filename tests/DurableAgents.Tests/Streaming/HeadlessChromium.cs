using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DurableAgents.Tests.Streaming;

/// <summary>
/// A headless Chromium (from the distribution: <c>apt-get install chromium</c>) driven over the Chrome DevTools Protocol
/// with <see cref="ClientWebSocket"/>: a fresh user-data dir, a DevTools port chosen by Chromium (port 0, read from
/// <c>DevToolsActivePort</c>), one page target. Every wait is bounded; disposing kills Chromium and deletes its dir.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private const int MaxMessageBytes = 64 * 1024 * 1024;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _userDataDir;
    private readonly StringBuilder _stderr = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly CancellationTokenSource _stop = new();
    private ClientWebSocket? _socket;
    private Task? _receiveLoop;
    private int _nextId;

    private HeadlessChromium(Process process, string userDataDir)
    {
        _process = process;
        _userDataDir = userDataDir;
    }

    /// <summary>Uncaught exceptions and console errors of the page so far (for failure messages).</summary>
    public IReadOnlyCollection<string> PageErrors => _pageErrors.ToArray();

    /// <summary>The Chromium executable on the PATH (<c>chromium</c>, <c>chromium-browser</c>, <c>google-chrome</c>), or null.</summary>
    public static string? FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    /// <summary>Starts Chromium headless on about:blank and attaches to its page. Fails the test if Chromium is missing.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = FindExecutable();
        if (executable is null)
        {
            Assert.Fail("No Chromium on the PATH (chromium, chromium-browser or google-chrome): the browser test needs one. "
                + "Install it with `apt-get install -y chromium` (as root, `./dev.sh setup` does it).");
        }

        var userDataDir = Path.Combine(Path.GetTempPath(), "da-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(userDataDir);
        var info = new ProcessStartInfo(executable!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--window-size=1000,1100",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + userDataDir, "about:blank",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var browser = new HeadlessChromium(Process.Start(info)!, userDataDir);
        try
        {
            await browser.ConnectAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Navigates the page and waits (bounded) until its document has loaded.</summary>
    public async Task NavigateAsync(Uri url)
    {
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        if (result["errorText"] is { } error)
        {
            throw new InvalidOperationException($"Chromium could not open {url}: {error}");
        }

        await WaitForAsync("document.readyState === 'complete'", v => v?.GetValue<bool>() == true, TimeSpan.FromSeconds(30), "the page to load");
    }

    /// <summary>Evaluates a JavaScript expression in the page (promises awaited) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is JsonObject exception)
        {
            throw new InvalidOperationException($"The page threw evaluating `{expression}`: {exception["exception"]?["description"] ?? exception["text"]}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Polls <paramref name="expression"/> every 100 ms until <paramref name="done"/> holds; fails after <paramref name="timeout"/>.</summary>
    public async Task<JsonNode?> WaitForAsync(string expression, Func<JsonNode?, bool> done, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        JsonNode? last = null;
        while (deadline.Elapsed < timeout)
        {
            last = await EvaluateAsync(expression);
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; `{expression}` was {last?.ToJsonString() ?? "undefined"}. "
            + $"Page errors: [{string.Join("; ", PageErrors)}]");
    }

    /// <summary>A PNG screenshot of the page.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    /// <summary>Sends one DevTools command to the page and returns its result (throws on a protocol error or after 30 s).</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected to Chromium.");
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        if (_receiveLoop is { IsCompleted: true })
        {
            _pending.TryRemove(id, out _);
            throw new InvalidOperationException("The DevTools connection to Chromium is closed.");
        }

        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        using (var timeout = new CancellationTokenSource(CommandTimeout))
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        }

        var answer = await reply.Task.WaitAsync(CommandTimeout).ConfigureAwait(false);
        if (answer["error"] is { } error)
        {
            throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
        }

        return answer["result"] as JsonObject ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket is { } socket)
        {
            socket.Abort();
            socket.Dispose();
        }

        if (_receiveLoop is { } loop)
        {
            await loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            TestContext.Progress.WriteLine($"Chromium did not stop cleanly: {e.Message}");
        }

        _process.Dispose();
        for (var attempt = 0; attempt < 10 && Directory.Exists(_userDataDir); attempt++)
        {
            try
            {
                Directory.Delete(_userDataDir, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(200); // Chromium's last writes racing the delete.
            }
        }

        _stop.Dispose();
    }

    private async Task ConnectAsync()
    {
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();

        var portFile = Path.Combine(_userDataDir, "DevToolsActivePort");
        var deadline = Stopwatch.StartNew();
        int? port = null;
        while (port is null)
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                string stderr;
                lock (_stderr) stderr = _stderr.ToString();
                throw new InvalidOperationException($"Chromium did not open its DevTools port ({(_process.HasExited ? "exited " + _process.ExitCode : "30 s")}): {stderr}");
            }

            if (File.Exists(portFile) && File.ReadAllLines(portFile) is [var first, ..] && int.TryParse(first, out var p) && p > 0)
            {
                port = p;
            }
            else
            {
                await Task.Delay(100);
            }
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray();
        var page = targets.FirstOrDefault(t => t?["type"]?.ToString() == "page")
            ?? throw new InvalidOperationException("Chromium has no page target: " + targets.ToJsonString());
        _socket = new ClientWebSocket();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.ToString()), timeout.Token);
        }

        _receiveLoop = Task.Run(ReceiveAsync);
        await SendAsync("Page.enable");
        await SendAsync("Runtime.enable");
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket!.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (message.Length > MaxMessageBytes)
                {
                    throw new InvalidDataException($"A DevTools message is over {MaxMessageBytes} bytes.");
                }

                if (!received.EndOfMessage)
                {
                    continue;
                }

                var json = JsonNode.Parse(message.ToArray()) as JsonObject;
                message.SetLength(0);
                if (json?["id"] is JsonValue id && _pending.TryRemove(id.GetValue<int>(), out var reply))
                {
                    reply.TrySetResult(json);
                }
                else if (json?["method"]?.ToString() == "Runtime.exceptionThrown")
                {
                    _pageErrors.Enqueue(json["params"]?["exceptionDetails"]?["exception"]?["description"]?.ToString() ?? json.ToJsonString());
                }
                else if (json?["method"]?.ToString() == "Runtime.consoleAPICalled" && json["params"]?["type"]?.ToString() == "error")
                {
                    _pageErrors.Enqueue("console.error: " + json["params"]?["args"]?.ToJsonString());
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Disposed, or Chromium went away: the pending commands fail below.
        }
        finally
        {
            foreach (var id in _pending.Keys)
            {
                if (_pending.TryRemove(id, out var reply))
                {
                    reply.TrySetException(new InvalidOperationException("The DevTools connection to Chromium closed."));
                }
            }
        }
    }
}
