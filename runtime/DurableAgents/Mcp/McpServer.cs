using DurableAgents.Agents;

namespace DurableAgents.Mcp;

/// <summary>
/// An MCP server whose tools a durable agent may call (<see cref="DurableAgentOptions.McpServers"/>, or
/// <see cref="McpServerAttribute"/> on a <c>[DurableAgent]</c> class). Once per run the agent lists the server's tools in
/// the journaled step <c>mcp:{name}:tools</c> (a replay sees the same tool set even if the server changed); each call of
/// one of them is the journaled step <c>mcp:{name}:{tool}:{callId}</c>, with approvals, retries and tool-error handling
/// as for any other tool. The connection is made lazily inside those steps (never during replay) and shared by the runs
/// of the process; a dead session is re-established on the next call.
/// </summary>
public sealed class McpServer
{
    /// <summary>The most characters of a server name (it is part of step names).</summary>
    public const int MaxNameLength = 64;

    /// <summary>The default of <see cref="ConnectTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="CallTimeout"/>: 5 min.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The default of <see cref="MaxResultCharacters"/>: 100,000 characters.</summary>
    public const int DefaultMaxResultCharacters = 100_000;

    private McpServer(string name, McpTransportKind transport)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"An MCP server name has at most {MaxNameLength} characters: '{name}'.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException($"An MCP server name is made of ASCII letters, digits, '_', '-' and '.' (it is part of step names): '{name}'.", nameof(name));
            }
        }

        Name = name;
        Transport = transport;
    }

    /// <summary>The server's name in step names (<c>mcp:{name}:...</c>); unique among an agent's servers.</summary>
    public string Name { get; }

    /// <summary>How the server is reached.</summary>
    public McpTransportKind Transport { get; }

    /// <summary>Stdio: the program to start.</summary>
    public string? Command { get; private init; }

    /// <summary>Stdio: the program's arguments.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    /// <summary>Stdio: environment variables set for the program, on top of the service's own environment, which it inherits (a null value removes one).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; private init; } = new Dictionary<string, string?>();

    /// <summary>Stdio: the program's working directory (null: the service's).</summary>
    public string? WorkingDirectory { get; private init; }

    /// <summary>Http: the Streamable HTTP endpoint.</summary>
    public Uri? Endpoint { get; private init; }

    /// <summary>Http: headers sent with every request (e.g. an authorization header).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    /// <summary>Whether every tool of this server waits for a human approval before each call.</summary>
    public bool RequireApprovalForAllTools { get; set; }

    /// <summary>The tools (by their MCP name) that wait for a human approval before each call.</summary>
    public ISet<string> ToolsRequiringApproval { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>When not null, only these tools (by their MCP name) are offered to the model; the others are not listed.</summary>
    public ISet<string>? AllowedTools { get; set; }

    /// <summary>
    /// Prepended to the MCP tool names to form the names the model sees (e.g. <c>"github_"</c>). Null (the default): the
    /// MCP names as they are. A name that collides with another tool of the agent fails the run: set a prefix then.
    /// </summary>
    public string? ToolNamePrefix { get; set; }

    /// <summary>Retry policy of each call of this server's tools; null (the default): the agent's <see cref="DurableAgentOptions.ToolRetryPolicy"/>.</summary>
    public RetryPolicy? RetryPolicy { get; set; }

    /// <summary>How long connecting (start, initialize handshake) may take; default <see cref="DefaultConnectTimeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>How long one tool call may take before it fails as a timeout (then retried or told to the model); default <see cref="DefaultCallTimeout"/>.</summary>
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;

    /// <summary>The most characters of one tool result kept in the journal and shown to the model (longer text is cut, with a note); default <see cref="DefaultMaxResultCharacters"/>.</summary>
    public int MaxResultCharacters { get; set; } = DefaultMaxResultCharacters;

    /// <summary>An MCP server started as a local process and spoken to over standard input/output.</summary>
    /// <param name="name">The server's name in step names.</param>
    /// <param name="command">The program (looked up on PATH when not a path).</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Environment variables set for it on top of the inherited environment of the service (a null value removes one, e.g. a secret the server must not see).</param>
    /// <param name="workingDirectory">Its working directory (null: the service's).</param>
    public static McpServer Stdio(string name, string command, IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        return new McpServer(name, McpTransportKind.Stdio)
        {
            Command = command,
            Arguments = arguments?.ToArray() ?? [],
            Environment = environment is null ? new Dictionary<string, string?>() : new Dictionary<string, string?>(environment),
            WorkingDirectory = workingDirectory,
        };
    }

    /// <summary>A remote MCP server spoken to over Streamable HTTP.</summary>
    /// <param name="name">The server's name in step names.</param>
    /// <param name="endpoint">The absolute http(s) endpoint.</param>
    /// <param name="headers">Headers sent with every request.</param>
    public static McpServer Http(string name, Uri endpoint, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"An MCP server endpoint is an absolute http(s) URI: '{endpoint}'.", nameof(endpoint));
        }

        return new McpServer(name, McpTransportKind.Http)
        {
            Endpoint = endpoint,
            Headers = headers is null ? new Dictionary<string, string>() : new Dictionary<string, string>(headers),
        };
    }

    /// <summary>
    /// The server of one <c>[McpServer]</c> attribute (called by the generated code; the generator has validated the
    /// declaration, DA1011): stdio when <paramref name="command"/> is set, else Streamable HTTP at <paramref name="url"/>.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static McpServer FromAttribute(string name, string? command, string[] arguments, string? workingDirectory, string? url,
        bool requireApproval, string[] approvalRequiredTools, string[]? allowedTools, string? toolNamePrefix)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(approvalRequiredTools);
        if ((command is null) == (url is null))
        {
            throw new ArgumentException($"[McpServer(\"{name}\")] sets exactly one of Command (stdio) and Url (Streamable HTTP).");
        }

        var server = command is not null
            ? Stdio(name, command, arguments, null, workingDirectory)
            : Http(name, new Uri(url!, UriKind.Absolute));
        server.RequireApprovalForAllTools = requireApproval;
        foreach (var tool in approvalRequiredTools)
        {
            server.ToolsRequiringApproval.Add(tool);
        }

        server.AllowedTools = allowedTools is null ? null : new HashSet<string>(allowedTools, StringComparer.Ordinal);
        server.ToolNamePrefix = toolNamePrefix;
        return server;
    }

    /// <summary>Whether calls of the MCP tool <paramref name="mcpToolName"/> wait for an approval.</summary>
    internal bool RequiresApproval(string mcpToolName) => RequireApprovalForAllTools || ToolsRequiringApproval.Contains(mcpToolName);

    /// <summary>What identifies the connection: equal keys share one cached session.</summary>
    internal string ConnectionKey()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(Transport).Append('\n').Append(Name).Append('\n');
        if (Transport == McpTransportKind.Stdio)
        {
            sb.Append(Command).Append('\n').Append(WorkingDirectory).Append('\n');
            foreach (var a in Arguments)
            {
                sb.Append("arg=").Append(a).Append('\n');
            }

            foreach (var (k, v) in Environment.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                sb.Append("env=").Append(k).Append('=').Append(v).Append('\n');
            }
        }
        else
        {
            sb.Append(Endpoint).Append('\n');
            foreach (var (k, v) in Headers.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                sb.Append("header=").Append(k).Append('=').Append(v).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Transport == McpTransportKind.Stdio ? $"MCP server '{Name}' (stdio: {Command})" : $"MCP server '{Name}' ({Endpoint})";
}
