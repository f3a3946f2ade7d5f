using System.Net.Sockets;

namespace DurableAgents.ClusterChaos;

/// <summary>Polls until a TCP port accepts connections or an HTTP URL answers 200.</summary>
public static class Readiness
{
    /// <summary>Waits until 127.0.0.1:<paramref name="port"/> accepts a connection.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Func<bool> alive, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!alive())
            {
                throw new InvalidOperationException("the process exited before it listened:\n" + diagnostics());
            }

            try
            {
                using var tcp = new TcpClient();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"nothing listened on port {port} within {timeout.TotalSeconds:0} s:\n" + diagnostics());
                }

                await Task.Delay(50);
            }
        }
    }

    /// <summary>Waits until GET <paramref name="url"/> answers 2xx.</summary>
    public static async Task WaitForHttpAsync(HttpClient http, Uri url, TimeSpan timeout, Func<bool> alive, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!alive())
            {
                throw new InvalidOperationException($"the process exited before {url} answered:\n" + diagnostics());
            }

            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await http.GetAsync(url, cts.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // not yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{url} did not answer 200 within {timeout.TotalSeconds:0} s:\n" + diagnostics());
            }

            await Task.Delay(100);
        }
    }
}
