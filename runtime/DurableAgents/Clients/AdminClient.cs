using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DurableAgents.Definitions;

namespace DurableAgents.Clients;

/// <summary>
/// A typed client of the Restate admin API (HTTP, default port 9070): deployments, services, invocation management,
/// health, version and SQL introspection. <see cref="HttpClient.BaseAddress"/> must be the admin URL. Non-success
/// answers throw <see cref="RestateAdminException"/>. JSON is handled with <see cref="JsonNode"/> (no reflection).
/// </summary>
public sealed class AdminClient
{
    private readonly HttpClient _http;

    /// <summary>Creates a client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the admin URL.</summary>
    /// <param name="http">The HTTP client (not disposed by this client).</param>
    public AdminClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    // ---------------------------------------------------------------- deployments

    /// <summary>
    /// Registers the endpoint at <paramref name="uri"/>: Restate runs discovery and stores its services
    /// (<c>POST /deployments</c>; 201 when created, 200 when the URI was already registered).
    /// </summary>
    /// <param name="uri">The endpoint URI Restate dials.</param>
    /// <param name="force">
    /// Replace an existing deployment with the same URI. Without it Restate answers the old deployment unchanged even if
    /// the services changed, so keep it on in development.
    /// </param>
    /// <param name="useHttp11">Talk HTTP/1.1 to the endpoint (request/response mode) instead of HTTP/2.</param>
    /// <param name="additionalHeaders">Headers Restate adds to every request to the endpoint.</param>
    /// <param name="dryRun">Only run discovery and validation; register nothing.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<DeploymentInfo> RegisterDeploymentAsync(Uri uri, bool force = true, bool useHttp11 = false, IReadOnlyDictionary<string, string>? additionalHeaders = null,
        bool dryRun = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var body = new JsonObject
        {
            ["uri"] = uri.AbsoluteUri,
            ["force"] = force,
            ["use_http_11"] = useHttp11,
            ["dry_run"] = dryRun,
        };
        if (additionalHeaders is not null)
        {
            var headers = new JsonObject();
            foreach (var (name, value) in additionalHeaders)
            {
                headers[name] = value;
            }

            body["additional_headers"] = headers;
        }

        var answer = await SendJsonAsync(HttpMethod.Post, "deployments", body, cancellationToken).ConfigureAwait(false);
        return ParseDeployment(AsObject(answer, "deployment"));
    }

    /// <summary>All deployments (<c>GET /deployments</c>).</summary>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<IReadOnlyList<DeploymentSummary>> ListDeploymentsAsync(CancellationToken cancellationToken = default)
    {
        var answer = AsObject(await SendJsonAsync(HttpMethod.Get, "deployments", null, cancellationToken).ConfigureAwait(false), "deployment list");
        var list = new List<DeploymentSummary>();
        foreach (var node in answer["deployments"] as JsonArray ?? [])
        {
            var d = AsObject(node, "deployment");
            var services = new List<ServiceRevision>();
            foreach (var s in d["services"] as JsonArray ?? [])
            {
                var so = AsObject(s, "service");
                services.Add(new ServiceRevision(Required(so, "name"), ClientSupport.GetInt(so, "revision") ?? 0));
            }

            list.Add(new DeploymentSummary(Required(d, "id"), ParseUri(d), services) { Raw = d });
        }

        return list;
    }

    /// <summary>One deployment with its services' full description (<c>GET /deployments/{id}</c>).</summary>
    /// <param name="deploymentId">The deployment id (<c>dp_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<DeploymentInfo> GetDeploymentAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        var answer = await SendJsonAsync(HttpMethod.Get, "deployments/" + ClientSupport.Segment(deploymentId), null, cancellationToken).ConfigureAwait(false);
        return ParseDeployment(AsObject(answer, "deployment"));
    }

    /// <summary>Removes a deployment (<c>DELETE /deployments/{id}?force=…</c>).</summary>
    /// <param name="deploymentId">The deployment id (<c>dp_…</c>).</param>
    /// <param name="force">
    /// Remove it even if it still serves the latest revision of a service (Restate 1.7 implements only forced deletion;
    /// without it the server answers an error).
    /// </param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task DeleteDeploymentAsync(string deploymentId, bool force = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        var path = "deployments/" + ClientSupport.Segment(deploymentId) + (force ? "?force=true" : "?force=false");
        await SendJsonAsync(HttpMethod.Delete, path, null, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- services

    /// <summary>All registered services (<c>GET /services</c>).</summary>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<IReadOnlyList<ServiceInfo>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var answer = AsObject(await SendJsonAsync(HttpMethod.Get, "services", null, cancellationToken).ConfigureAwait(false), "service list");
        return ParseServices(answer["services"]);
    }

    /// <summary>One registered service (<c>GET /services/{name}</c>); 404 → <see cref="RestateAdminException"/>.</summary>
    /// <param name="name">The service name.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<ServiceInfo> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var answer = await SendJsonAsync(HttpMethod.Get, "services/" + ClientSupport.Segment(name), null, cancellationToken).ConfigureAwait(false);
        return ParseService(AsObject(answer, "service"));
    }

    // ---------------------------------------------------------------- invocations

    /// <summary>
    /// Cancels an invocation (<c>PATCH /invocations/{id}/cancel</c>): it sees a terminal 409 at its next await, can run
    /// compensations, and its callers get the 409 failure.
    /// </summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task CancelInvocationAsync(string invocationId, CancellationToken cancellationToken = default)
        => InvocationCommandAsync(invocationId, "cancel", cancellationToken);

    /// <summary>Kills an invocation (<c>PATCH /invocations/{id}/kill</c>): it stops at once, without running any more handler code.</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task KillInvocationAsync(string invocationId, CancellationToken cancellationToken = default)
        => InvocationCommandAsync(invocationId, "kill", cancellationToken);

    /// <summary>Deletes a completed invocation's retained state (journal, output, idempotency entry): <c>PATCH /invocations/{id}/purge</c>.</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task PurgeInvocationAsync(string invocationId, CancellationToken cancellationToken = default)
        => InvocationCommandAsync(invocationId, "purge", cancellationToken);

    private async Task InvocationCommandAsync(string invocationId, string command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(invocationId);
        await SendJsonAsync(HttpMethod.Patch, $"invocations/{ClientSupport.Segment(invocationId)}/{command}", null, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- health, version, query

    /// <summary>
    /// Whether the admin API answers <c>GET /health</c> with a success status. A refused connection or an HTTP timeout is
    /// "not healthy" (false), not an exception.
    /// </summary>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ClientSupport.Resolve(_http, "health", "admin"));
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The server version and features (<c>GET /version</c>: <c>version</c>, <c>min_admin_api_version</c>, <c>ingress_endpoint</c>, …).</summary>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<JsonObject> GetVersionAsync(CancellationToken cancellationToken = default)
        => AsObject(await SendJsonAsync(HttpMethod.Get, "version", null, cancellationToken).ConfigureAwait(false), "version");

    /// <summary>
    /// Runs a SQL query on Restate's introspection tables (<c>sys_invocation</c>, <c>sys_journal</c>, <c>state</c>, …):
    /// <c>POST /query</c> with <c>accept: application/json</c>.
    /// </summary>
    /// <param name="sql">The query.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    /// <returns>The rows, one JSON object per row keyed by column name.</returns>
    public async Task<JsonArray> QueryAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        var answer = AsObject(await SendJsonAsync(HttpMethod.Post, "query", new JsonObject { ["query"] = sql }, cancellationToken).ConfigureAwait(false), "query");
        return answer["rows"] as JsonArray
            ?? throw new RestateAdminException(200, null, "The query answer has no 'rows' array: " + answer.ToJsonString());
    }

    /// <summary>The most entries <see cref="GetJournalAsync"/> returns unless told otherwise.</summary>
    public const int DefaultMaxJournalEntries = 1000;

    /// <summary>
    /// The journal of one invocation, in index order, from Restate's <c>sys_journal</c> table (<c>POST /query</c>):
    /// entry index, type, name, whether it is completed, call target and append time. Use it to see which steps a run
    /// journaled (and so will replay) and which are still pending.
    /// </summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>; letters and digits after the prefix).</param>
    /// <param name="maxEntries">The most entries to return (1 to 100,000); later entries are left off.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    /// <exception cref="ArgumentException">The id is not an invocation id (it is put into SQL, so it is checked strictly).</exception>
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string invocationId, int maxEntries = DefaultMaxJournalEntries, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(invocationId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEntries, 100_000);
        if (!IsInvocationId(invocationId))
        {
            throw new ArgumentException($"'{invocationId}' is not a Restate invocation id (inv_ followed by letters and digits).", nameof(invocationId));
        }

        var sql = "SELECT \"index\", entry_type, name, completed, invoked_target, appended_at, entry_lite_json FROM sys_journal WHERE id = '" + invocationId
            + "' ORDER BY \"index\" LIMIT " + maxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rows = await QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        var parsed = new List<(JsonObject Row, int Index, JsonObject? Lite)>(rows.Count);
        var notified = new HashSet<long>();
        foreach (var node in rows)
        {
            var row = AsObject(node, "journal row");
            var index = row["index"] is JsonValue v && v.TryGetValue<long>(out var i) ? (int)i
                : throw new RestateAdminException(200, null, "A sys_journal row lacks its index: " + row.ToJsonString());
            var lite = ClientSupport.GetString(row, "entry_lite_json") is { } liteText ? ClientSupport.TryParseObject(System.Text.Encoding.UTF8.GetBytes(liteText)) : null;
            if (lite?["Notification"]?["id"] is JsonObject id && id["CompletionId"] is JsonValue cv && cv.TryGetValue<long>(out var completionId))
            {
                notified.Add(completionId);
            }

            parsed.Add((row, index, lite));
        }

        var entries = new List<JournalEntry>(parsed.Count);
        foreach (var (row, index, lite) in parsed)
        {
            DateTimeOffset? appended = ClientSupport.GetString(row, "appended_at") is { } text
                && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
            var completed = ClientSupport.GetBool(row, "completed") ?? CommandCompleted(lite, notified);
            entries.Add(new JournalEntry(index, ClientSupport.GetString(row, "entry_type") ?? "", NullIfEmpty(ClientSupport.GetString(row, "name")),
                completed, NullIfEmpty(ClientSupport.GetString(row, "invoked_target")), appended) { Raw = row });
        }

        return entries;
    }

    /// <summary>
    /// Journals of service protocol V4 and later leave <c>completed</c> empty: a command is completed when every
    /// completion id it waits on (<c>…completion_id</c> fields of its <c>entry_lite_json</c>) has a notification.
    /// Null for entries that wait on nothing (input, output, state, notifications).
    /// </summary>
    private static bool? CommandCompleted(JsonObject? lite, HashSet<long> notified)
    {
        if (lite?["Command"] is not JsonObject command)
        {
            return null;
        }

        bool? completed = null;
        foreach (var (_, body) in command)
        {
            if (body is not JsonObject fields)
            {
                continue;
            }

            foreach (var (field, value) in fields)
            {
                if (field.EndsWith("completion_id", StringComparison.Ordinal) && value is JsonValue n && n.TryGetValue<long>(out var id))
                {
                    completed = (completed ?? true) && notified.Contains(id);
                }
            }
        }

        return completed;
    }

    private static bool IsInvocationId(string id)
    {
        if (id.Length < 5 || id.Length > 128 || !id.StartsWith("inv_", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(4))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    // ---------------------------------------------------------------- plumbing

    private async Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, ClientSupport.Resolve(_http, path, "admin"));
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ToException(response.StatusCode, response.ReasonPhrase, bytes);
        }

        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new RestateAdminException((int)response.StatusCode, null, "The admin API answered invalid JSON: " + Encoding.UTF8.GetString(bytes), e);
        }
    }

    private static RestateAdminException ToException(HttpStatusCode status, string? reason, byte[] bytes)
    {
        var json = ClientSupport.TryParseObject(bytes);
        var code = json is null ? null : ClientSupport.GetString(json, "restate_code");
        var message = (json is null ? null : ClientSupport.GetString(json, "message"))
            ?? (bytes.Length > 0 ? Encoding.UTF8.GetString(bytes) : reason ?? string.Empty);
        return new RestateAdminException((int)status, code, message);
    }

    private static JsonObject AsObject(JsonNode? node, string what)
        => node as JsonObject ?? throw new RestateAdminException(200, null, $"Expected a JSON object for the {what}, got: {node?.ToJsonString() ?? "nothing"}");

    private static string Required(JsonObject obj, string name)
        => ClientSupport.GetString(obj, name) ?? throw new RestateAdminException(200, null, $"The admin answer lacks '{name}': {obj.ToJsonString()}");

    private static Uri? ParseUri(JsonObject obj)
        => ClientSupport.GetString(obj, "uri") is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;

    private static DeploymentInfo ParseDeployment(JsonObject obj)
        => new(Required(obj, "id"), ParseUri(obj), ParseServices(obj["services"])) { Raw = obj };

    private static List<ServiceInfo> ParseServices(JsonNode? node)
    {
        var list = new List<ServiceInfo>();
        foreach (var s in node as JsonArray ?? [])
        {
            list.Add(ParseService(AsObject(s, "service")));
        }

        return list;
    }

    private static ServiceInfo ParseService(JsonObject obj)
    {
        var tyText = Required(obj, "ty");
        if (!Enum.TryParse<ServiceType>(tyText, ignoreCase: true, out var type))
        {
            throw new RestateAdminException(200, null, $"Unknown service type '{tyText}' in: {obj.ToJsonString()}");
        }

        var handlers = new List<HandlerInfo>();
        foreach (var h in obj["handlers"] as JsonArray ?? [])
        {
            var ho = AsObject(h, "handler");
            HandlerType? handlerType = ClientSupport.GetString(ho, "ty") is { } hty && Enum.TryParse<HandlerType>(hty, ignoreCase: true, out var parsed) ? parsed : null;
            handlers.Add(new HandlerInfo(Required(ho, "name"), handlerType, ClientSupport.GetBool(ho, "public") ?? true));
        }

        return new ServiceInfo(Required(obj, "name"), type, handlers, ClientSupport.GetString(obj, "deployment_id"),
            ClientSupport.GetInt(obj, "revision") ?? 0, ClientSupport.GetBool(obj, "public") ?? true) { Raw = obj };
    }
}
