using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Serialization;

namespace DurableAgents.Clients;

/// <summary>
/// A typed client of the Restate ingress (HTTP, default port 8080): call and send to handlers, attach to invocations,
/// read their output, and complete awakeables. <see cref="HttpClient.BaseAddress"/> must be the ingress URL.
/// </summary>
/// <remarks>
/// Every generic method has an overload taking <see cref="JsonTypeInfo{T}"/> (AOT- and trimming-safe). The overloads
/// without it look the metadata up in the <see cref="JsonSerializerOptions"/> given at construction. Non-success
/// answers throw <see cref="RestateIngressException"/>.
/// </remarks>
public sealed class IngressClient
{
    private const string JsonContentType = "application/json";
    private const string InvocationIdHeader = "x-restate-id";
    private const string ErrorSourceHeader = "x-restate-error-source";

    private readonly HttpClient _http;

    /// <summary>Creates a client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the ingress URL.</summary>
    /// <param name="http">The HTTP client (not disposed by this client).</param>
    /// <param name="json">
    /// Options for the overloads without <see cref="JsonTypeInfo{T}"/>. Default: web defaults with DurableAgents'
    /// built-in metadata, plus reflection-based metadata only when the application allows reflection.
    /// </param>
    public IngressClient(HttpClient http, JsonSerializerOptions? json = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        JsonOptions = json ?? ClientSupport.DefaultJson;
    }

    /// <summary>The options used by the overloads without an explicit <see cref="JsonTypeInfo{T}"/>.</summary>
    public JsonSerializerOptions JsonOptions { get; }

    // ---------------------------------------------------------------- call

    /// <summary>
    /// Calls a handler and waits for its result: <c>POST /{Service}/{handler}</c> or <c>/{Service}/{key}/{handler}</c>.
    /// </summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="body">The input bytes (may be empty).</param>
    /// <param name="options">Idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request (not the invocation).</param>
    /// <returns>The output bytes of the handler.</returns>
    public async Task<byte[]> CallRawAsync(CallTarget target, ReadOnlyMemory<byte> body, IngressCallOptions? options = null, CancellationToken cancellationToken = default)
        => (await CallWithIdAsync(target, body, options, cancellationToken).ConfigureAwait(false)).Body;

    /// <summary>As <see cref="CallRawAsync"/>, also returning the invocation id from the <c>x-restate-id</c> header.</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="body">The input bytes (may be empty).</param>
    /// <param name="options">Idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request (not the invocation).</param>
    public async Task<(byte[] Body, string? InvocationId)> CallWithIdAsync(CallTarget target, ReadOnlyMemory<byte> body, IngressCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var request = CreatePost(TargetPath(target), body, options?.ContentType, options?.IdempotencyKey, options?.Headers);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return (bytes, ClientSupport.Header(response, InvocationIdHeader));
    }

    /// <summary>Calls a handler with a JSON input and deserializes its JSON output.</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="request">The input value.</param>
    /// <param name="requestType">Metadata of the input type.</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="options">Idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request (not the invocation).</param>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType,
        IngressCallOptions? options = null, CancellationToken cancellationToken = default)
        => (await CallWithIdAsync(target, request, requestType, responseType, options, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>Calls a handler with a JSON input and deserializes its JSON output (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="request">The input value.</param>
    /// <param name="options">Idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request (not the invocation).</param>
    public Task<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, IngressCallOptions? options = null, CancellationToken cancellationToken = default)
        => CallAsync(target, request, JsonSerde.TypeInfo<TRequest>(JsonOptions), JsonSerde.TypeInfo<TResponse>(JsonOptions), options, cancellationToken);

    /// <summary>As <see cref="CallAsync{TRequest, TResponse}(CallTarget, TRequest, JsonTypeInfo{TRequest}, JsonTypeInfo{TResponse}, IngressCallOptions?, CancellationToken)"/>, also returning the invocation id.</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="request">The input value.</param>
    /// <param name="requestType">Metadata of the input type.</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="options">Idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request (not the invocation).</param>
    public async Task<(TResponse Response, string? InvocationId)> CallWithIdAsync<TRequest, TResponse>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, IngressCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestType);
        ArgumentNullException.ThrowIfNull(responseType);
        var (body, id) = await CallWithIdAsync(target, JsonSerializer.SerializeToUtf8Bytes(request, requestType), options, cancellationToken).ConfigureAwait(false);
        return (ClientSupport.Deserialize(body, responseType), id);
    }

    /// <summary>As <see cref="CallAsync{TRequest, TResponse}(CallTarget, TRequest, IngressCallOptions?, CancellationToken)"/>, also returning the invocation id.</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="request">The input value.</param>
    /// <param name="options">Idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request (not the invocation).</param>
    public Task<(TResponse Response, string? InvocationId)> CallWithIdAsync<TRequest, TResponse>(CallTarget target, TRequest request, IngressCallOptions? options = null,
        CancellationToken cancellationToken = default)
        => CallWithIdAsync(target, request, JsonSerde.TypeInfo<TRequest>(JsonOptions), JsonSerde.TypeInfo<TResponse>(JsonOptions), options, cancellationToken);

    // ---------------------------------------------------------------- send

    /// <summary>
    /// Starts an invocation without waiting for it: <c>POST /{Service}[/{key}]/{handler}/send[?delay=…]</c> (answer 202).
    /// </summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="body">The input bytes (may be empty).</param>
    /// <param name="options">Delay, idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task<SendResponse> SendRawAsync(CallTarget target, ReadOnlyMemory<byte> body, IngressSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = TargetPath(target) + "/send";
        if (options?.Delay is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(options));
            var ms = (long)Math.Ceiling(delay.TotalMilliseconds);
            path += string.Create(CultureInfo.InvariantCulture, $"?delay={ms}ms");
        }

        using var request = CreatePost(path, body, options?.ContentType, options?.IdempotencyKey, options?.Headers);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var json = ClientSupport.TryParseObject(bytes);
        var invocationId = (json is null ? null : ClientSupport.GetString(json, "invocationId")) ?? ClientSupport.Header(response, InvocationIdHeader)
            ?? throw new RestateIngressException((int)response.StatusCode, null, "The send answer has no invocation id: " + Encoding.UTF8.GetString(bytes), null, null);
        var status = (json is null ? null : ClientSupport.GetString(json, "status")) ?? "Accepted";
        DateTimeOffset? executionTime = null;
        if (json is not null && ClientSupport.GetString(json, "executionTime") is { } time
            && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            executionTime = parsed;
        }

        return new SendResponse(invocationId, status, executionTime);
    }

    /// <summary>Starts an invocation with a JSON input without waiting for it.</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="request">The input value.</param>
    /// <param name="requestType">Metadata of the input type.</param>
    /// <param name="options">Delay, idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<SendResponse> SendAsync<TRequest>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, IngressSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestType);
        return SendRawAsync(target, JsonSerializer.SerializeToUtf8Bytes(request, requestType), options, cancellationToken);
    }

    /// <summary>Starts an invocation with a JSON input without waiting for it (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="target">The handler (and the Virtual Object or Workflow key).</param>
    /// <param name="request">The input value.</param>
    /// <param name="options">Delay, idempotency key, headers, content type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<SendResponse> SendAsync<TRequest>(CallTarget target, TRequest request, IngressSendOptions? options = null, CancellationToken cancellationToken = default)
        => SendAsync(target, request, JsonSerde.TypeInfo<TRequest>(JsonOptions), options, cancellationToken);

    // ---------------------------------------------------------------- attach / output by invocation id

    /// <summary>Waits for an invocation to finish and returns its output bytes: <c>GET /restate/invocation/{id}/attach</c>.</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<byte[]> AttachRawAsync(string invocationId, CancellationToken cancellationToken = default)
        => GetBytesAsync(InvocationPath(invocationId) + "/attach", cancellationToken);

    /// <summary>Waits for an invocation to finish and deserializes its JSON output.</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> AttachAsync<T>(string invocationId, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
        => GetJsonAsync(InvocationPath(invocationId) + "/attach", responseType, cancellationToken);

    /// <summary>Waits for an invocation to finish and deserializes its JSON output (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> AttachAsync<T>(string invocationId, CancellationToken cancellationToken = default)
        => AttachAsync(invocationId, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    /// <summary>
    /// The output bytes of a finished invocation, without waiting: <c>GET /restate/invocation/{id}/output</c>. An
    /// invocation that has not finished yet throws <see cref="InvocationNotReadyException"/>.
    /// </summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<byte[]> GetOutputRawAsync(string invocationId, CancellationToken cancellationToken = default)
        => GetBytesAsync(InvocationPath(invocationId) + "/output", cancellationToken);

    /// <summary>The JSON output of a finished invocation; <see cref="InvocationNotReadyException"/> when it is still running.</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> GetOutputAsync<T>(string invocationId, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
        => GetJsonAsync(InvocationPath(invocationId) + "/output", responseType, cancellationToken);

    /// <summary>The JSON output of a finished invocation (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="invocationId">The invocation id (<c>inv_…</c>).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> GetOutputAsync<T>(string invocationId, CancellationToken cancellationToken = default)
        => GetOutputAsync(invocationId, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    // ---------------------------------------------------------------- attach / output by idempotency key

    /// <summary>
    /// Waits for the invocation started with <paramref name="idempotencyKey"/> on <paramref name="target"/>:
    /// <c>GET /restate/invocation/{Service}[/{key}]/{handler}/{idempotencyKey}/attach</c>.
    /// </summary>
    /// <param name="target">The handler (and key) the idempotent request went to.</param>
    /// <param name="idempotencyKey">The idempotency key of that request.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<byte[]> AttachIdempotentRawAsync(CallTarget target, string idempotencyKey, CancellationToken cancellationToken = default)
        => GetBytesAsync(IdempotentPath(target, idempotencyKey) + "/attach", cancellationToken);

    /// <summary>Waits for an idempotent invocation and deserializes its JSON output.</summary>
    /// <param name="target">The handler (and key) the idempotent request went to.</param>
    /// <param name="idempotencyKey">The idempotency key of that request.</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> AttachIdempotentAsync<T>(CallTarget target, string idempotencyKey, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
        => GetJsonAsync(IdempotentPath(target, idempotencyKey) + "/attach", responseType, cancellationToken);

    /// <summary>Waits for an idempotent invocation and deserializes its JSON output (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="target">The handler (and key) the idempotent request went to.</param>
    /// <param name="idempotencyKey">The idempotency key of that request.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> AttachIdempotentAsync<T>(CallTarget target, string idempotencyKey, CancellationToken cancellationToken = default)
        => AttachIdempotentAsync(target, idempotencyKey, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    /// <summary>The output bytes of a finished idempotent invocation, without waiting (<c>…/{idempotencyKey}/output</c>).</summary>
    /// <param name="target">The handler (and key) the idempotent request went to.</param>
    /// <param name="idempotencyKey">The idempotency key of that request.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<byte[]> GetIdempotentOutputRawAsync(CallTarget target, string idempotencyKey, CancellationToken cancellationToken = default)
        => GetBytesAsync(IdempotentPath(target, idempotencyKey) + "/output", cancellationToken);

    /// <summary>The JSON output of a finished idempotent invocation, without waiting.</summary>
    /// <param name="target">The handler (and key) the idempotent request went to.</param>
    /// <param name="idempotencyKey">The idempotency key of that request.</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> GetIdempotentOutputAsync<T>(CallTarget target, string idempotencyKey, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
        => GetJsonAsync(IdempotentPath(target, idempotencyKey) + "/output", responseType, cancellationToken);

    /// <summary>The JSON output of a finished idempotent invocation (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="target">The handler (and key) the idempotent request went to.</param>
    /// <param name="idempotencyKey">The idempotency key of that request.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> GetIdempotentOutputAsync<T>(CallTarget target, string idempotencyKey, CancellationToken cancellationToken = default)
        => GetIdempotentOutputAsync(target, idempotencyKey, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    // ---------------------------------------------------------------- workflows

    /// <summary>Waits for a workflow's <c>run</c> handler: <c>GET /restate/workflow/{Workflow}/{key}/attach</c>.</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="key">The workflow key (its id).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<byte[]> AttachWorkflowRawAsync(string workflow, string key, CancellationToken cancellationToken = default)
        => GetBytesAsync(WorkflowPath(workflow, key) + "/attach", cancellationToken);

    /// <summary>Waits for a workflow's <c>run</c> handler and deserializes its JSON output.</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="key">The workflow key (its id).</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> AttachWorkflowAsync<T>(string workflow, string key, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
        => GetJsonAsync(WorkflowPath(workflow, key) + "/attach", responseType, cancellationToken);

    /// <summary>Waits for a workflow's <c>run</c> handler and deserializes its JSON output (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="key">The workflow key (its id).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> AttachWorkflowAsync<T>(string workflow, string key, CancellationToken cancellationToken = default)
        => AttachWorkflowAsync(workflow, key, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    /// <summary>The output bytes of a finished workflow, without waiting: <c>GET /restate/workflow/{Workflow}/{key}/output</c>.</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="key">The workflow key (its id).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<byte[]> GetWorkflowOutputRawAsync(string workflow, string key, CancellationToken cancellationToken = default)
        => GetBytesAsync(WorkflowPath(workflow, key) + "/output", cancellationToken);

    /// <summary>The JSON output of a finished workflow, without waiting.</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="key">The workflow key (its id).</param>
    /// <param name="responseType">Metadata of the output type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> GetWorkflowOutputAsync<T>(string workflow, string key, JsonTypeInfo<T> responseType, CancellationToken cancellationToken = default)
        => GetJsonAsync(WorkflowPath(workflow, key) + "/output", responseType, cancellationToken);

    /// <summary>The JSON output of a finished workflow (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="key">The workflow key (its id).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task<T> GetWorkflowOutputAsync<T>(string workflow, string key, CancellationToken cancellationToken = default)
        => GetWorkflowOutputAsync(workflow, key, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    // ---------------------------------------------------------------- awakeables

    /// <summary>Completes an awakeable with raw value bytes: <c>POST /restate/awakeables/{id}/resolve</c>.</summary>
    /// <param name="awakeableId">The awakeable id (<c>sign_1…</c>).</param>
    /// <param name="value">The value bytes the awaiting handler receives.</param>
    /// <param name="contentType">The content type of the value (<c>application/json</c> when null).</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task ResolveAwakeableRawAsync(string awakeableId, ReadOnlyMemory<byte> value, string? contentType = null, CancellationToken cancellationToken = default)
    {
        using var request = CreatePost(AwakeablePath(awakeableId) + "/resolve", value, contentType, null, null);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes an awakeable with a JSON value.</summary>
    /// <param name="awakeableId">The awakeable id (<c>sign_1…</c>).</param>
    /// <param name="value">The value the awaiting handler receives.</param>
    /// <param name="valueType">Metadata of the value type.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task ResolveAwakeableAsync<T>(string awakeableId, T value, JsonTypeInfo<T> valueType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(valueType);
        return ResolveAwakeableRawAsync(awakeableId, JsonSerializer.SerializeToUtf8Bytes(value, valueType), null, cancellationToken);
    }

    /// <summary>Completes an awakeable with a JSON value (metadata from <see cref="JsonOptions"/>).</summary>
    /// <param name="awakeableId">The awakeable id (<c>sign_1…</c>).</param>
    /// <param name="value">The value the awaiting handler receives.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public Task ResolveAwakeableAsync<T>(string awakeableId, T value, CancellationToken cancellationToken = default)
        => ResolveAwakeableAsync(awakeableId, value, JsonSerde.TypeInfo<T>(JsonOptions), cancellationToken);

    /// <summary>
    /// Fails an awakeable: <c>POST /restate/awakeables/{id}/reject</c> with <paramref name="reason"/> as text. The
    /// awaiting handler sees a terminal failure (code 500) with that message.
    /// </summary>
    /// <param name="awakeableId">The awakeable id (<c>sign_1…</c>).</param>
    /// <param name="reason">The failure message.</param>
    /// <param name="cancellationToken">Cancels the HTTP request.</param>
    public async Task RejectAwakeableAsync(string awakeableId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        using var request = CreatePost(AwakeablePath(awakeableId) + "/reject", Encoding.UTF8.GetBytes(reason), "text/plain; charset=utf-8", null, null);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- plumbing

    private static string TargetPath(CallTarget target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target.Service, nameof(target));
        ArgumentException.ThrowIfNullOrEmpty(target.Handler, nameof(target));
        return target.Key is null
            ? $"{ClientSupport.Segment(target.Service)}/{ClientSupport.Segment(target.Handler)}"
            : $"{ClientSupport.Segment(target.Service)}/{ClientSupport.Segment(target.Key)}/{ClientSupport.Segment(target.Handler)}";
    }

    private static string InvocationPath(string invocationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(invocationId);
        return "restate/invocation/" + ClientSupport.Segment(invocationId);
    }

    private static string IdempotentPath(CallTarget target, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        return "restate/invocation/" + TargetPath(target) + "/" + ClientSupport.Segment(idempotencyKey);
    }

    private static string WorkflowPath(string workflow, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflow);
        ArgumentNullException.ThrowIfNull(key);
        return $"restate/workflow/{ClientSupport.Segment(workflow)}/{ClientSupport.Segment(key)}";
    }

    private static string AwakeablePath(string awakeableId)
    {
        ArgumentException.ThrowIfNullOrEmpty(awakeableId);
        return "restate/awakeables/" + ClientSupport.Segment(awakeableId);
    }

    private HttpRequestMessage CreatePost(string path, ReadOnlyMemory<byte> body, string? contentType, string? idempotencyKey,
        IReadOnlyDictionary<string, string>? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ClientSupport.Resolve(_http, path, "ingress"));
        try
        {
            var content = new ReadOnlyMemoryContent(body);
            if (contentType is not null || !body.IsEmpty)
            {
                // No input, no content type: Restate refuses a Content-Type for a handler that declares no input
                // (400 "Expected body and content-type to be empty"), and accepts its absence for optional input.
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? JsonContentType);
            }

            request.Content = content;
            if (headers is not null)
            {
                foreach (var (name, value) in headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(name, value))
                    {
                        throw new ArgumentException($"'{name}' cannot be sent as a request header (content headers are set by the client).", nameof(headers));
                    }
                }
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Remove("idempotency-key");
                request.Headers.TryAddWithoutValidation("idempotency-key", idempotencyKey);
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ClientSupport.Resolve(_http, path, "ingress"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseType);
        return ClientSupport.Deserialize(await GetBytesAsync(path, cancellationToken).ConfigureAwait(false), responseType);
    }

    /// <summary>Sends the request; a non-success answer becomes a <see cref="RestateIngressException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<RestateIngressException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var json = ClientSupport.TryParseObject(bytes);
        var code = json is null ? null : ClientSupport.GetInt(json, "code");
        var message = (json is null ? null : ClientSupport.GetString(json, "message"))
            ?? (bytes.Length > 0 ? Encoding.UTF8.GetString(bytes) : response.ReasonPhrase ?? string.Empty);
        var source = (json is null ? null : ClientSupport.GetString(json, "source")) ?? ClientSupport.Header(response, ErrorSourceHeader);
        var invocationId = ClientSupport.Header(response, InvocationIdHeader);
        return status == InvocationNotReadyException.NotReadyStatusCode
            ? new InvocationNotReadyException(code, message, source, invocationId)
            : new RestateIngressException(status, code, message, source, invocationId);
    }
}
