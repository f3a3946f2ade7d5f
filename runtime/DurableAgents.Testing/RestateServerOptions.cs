using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableAgents.Clients;

namespace DurableAgents.Testing;

/// <summary>Options for <see cref="RestateServer"/>.</summary>
public sealed record RestateServerOptions
{
    /// <summary>Path of the restate-server binary; found in node_modules (or env RESTATE_SERVER_BIN) when null.</summary>
    public string? BinaryPath { get; init; }

    /// <summary>The data directory; a fresh temporary one when null (deleted on dispose).</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Extra environment variables (Restate config keys, e.g. RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Partitions of a fresh cluster (fewer start faster; the server default is 24).</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>How long to wait for the admin and ingress APIs to become healthy.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the server's output goes (null: kept in memory, see <see cref="RestateServer.Output"/>).</summary>
    public Action<string>? Log { get; init; }
}
