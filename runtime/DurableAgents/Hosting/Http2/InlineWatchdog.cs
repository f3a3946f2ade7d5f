using System.Diagnostics;

namespace DurableAgents.Hosting.Http2;

/// <summary>
/// Keeps handler code from holding up a connection's reads. A connection served on its own reader thread
/// (<see cref="RestateSocketTransportFactory"/>) runs the handler step that its input just woke on that thread, as Node does
/// on its event loop; that saves the thread hand-offs that dominate a journal round trip. If such a step does not
/// return within <see cref="Threshold"/> (synchronous work, a blocking call), this watchdog hands the connection's
/// reading to a fresh thread, so CANCEL signals and other invocations' completions keep arriving. The old thread ends
/// once the step returns.
/// </summary>
internal static class InlineWatchdog
{
    /// <summary>How long handler code may run on a reader thread before reading moves to another thread.</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private static readonly object Gate = new();
    private static readonly List<RestateHttp2Connection> Connections = [];
    private static Thread? s_thread;

    public static void Register(RestateHttp2Connection connection)
    {
        lock (Gate)
        {
            Connections.Add(connection);
            if (s_thread is null)
            {
                s_thread = new Thread(Run) { IsBackground = true, Name = "Restate watchdog" };
                s_thread.Start();
            }
            else if (Connections.Count == 1)
            {
                Monitor.Pulse(Gate);
            }
        }
    }

    public static void Unregister(RestateHttp2Connection connection)
    {
        lock (Gate)
        {
            Connections.Remove(connection);
        }
    }

    private static void Run()
    {
        var due = (long)(Threshold.TotalSeconds * Stopwatch.Frequency);
        var snapshot = new List<RestateHttp2Connection>();
        while (true)
        {
            lock (Gate)
            {
                while (Connections.Count == 0)
                {
                    Monitor.Wait(Gate); // no ticking while no connection is served on reader threads
                }

                snapshot.AddRange(Connections);
            }

            var now = Stopwatch.GetTimestamp();
            foreach (var connection in snapshot)
            {
                connection.TakeOverReadingIfStuck(now, due);
            }

            snapshot.Clear();
            Thread.Sleep(Tick);
        }
    }
}
