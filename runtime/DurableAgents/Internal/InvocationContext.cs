using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;
using DurableAgents.Observability;
using Microsoft.Extensions.Logging;

namespace DurableAgents.Internal;

/// <summary>
/// The base of the per-kind contexts: <see cref="IContext"/> and <see cref="IHandlerContext"/> by delegation to the
/// <see cref="InvocationCore"/>, and nothing else. Each handler kind gets a sealed subclass that adds exactly its
/// kind's interface (<see cref="ServiceContext"/>: none; <see cref="SharedObjectContext"/>: <see cref="ISharedObjectContext"/>;
/// <see cref="ObjectContext"/>: <see cref="IObjectContext"/>; <see cref="SharedWorkflowContext"/>:
/// <see cref="ISharedWorkflowContext"/>; <see cref="WorkflowContext"/>: <see cref="IWorkflowContext"/>), so
/// <c>context is IObjectContext</c> tells the truth. Created by <see cref="InvocationContexts.Create"/>.
/// </summary>
internal abstract class InvocationContext : IHandlerContext
{
    private ILogger? _logger;

    private protected InvocationContext(InvocationCore core) => Core = core;

    /// <summary>The shared implementation this context delegates to.</summary>
    internal InvocationCore Core { get; }

    internal InvocationStateMachine Machine => Core.Machine;

    public ServiceDefinition Service => Core.Service;

    public HandlerDefinition Handler => Core.Handler;

    public IServiceProvider Services => Core.Services;

    public JsonSerializerOptions JsonOptions => Core.JsonOptions;

    public string InvocationId => Core.InvocationId;

    public bool IsReplaying => Core.IsReplaying;

    public ILogger Logger => _logger ??= ReplayAwareLogger.For(this, Core.Services, Core.Service.Name);

    public CancellationToken CancellationToken => Core.CancellationToken;

    public DurableRandom Random => Core.Random;

    public IReadOnlyDictionary<string, string> RequestHeaders => Core.RequestHeaders;

    /// <summary><c>sign_1</c> + base64url (no padding) of the raw invocation id followed by the signal id (u32, big-endian).</summary>
    internal static string AwakeableId(ReadOnlySpan<byte> invocationId, uint signalId) => InvocationCore.AwakeableId(invocationId, signalId);

    public Guid NewGuid() => Core.NewGuid();

    public bool IsPatched(string patchId) => Core.IsPatched(patchId);

    public DurableFuture<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> action, RunOptions? options = null)
        => Core.RunAsync(name, action, options);

    public DurableFuture<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> action, JsonTypeInfo<T> typeInfo, RunOptions? options = null)
        => Core.RunAsync(name, action, typeInfo, options);

    public DurableFuture RunAsync(string name, Func<CancellationToken, Task> action, RunOptions? options = null)
        => Core.RunAsync(name, action, options);

    public DurableFuture SleepAsync(TimeSpan duration, string? name = null) => Core.SleepAsync(duration, name);

    public DurableFuture<DateTimeOffset> NowAsync() => Core.NowAsync();

    public DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, CallOptions? options = null)
        => Core.CallAsync<TRequest, TResponse>(target, request, options);

    public DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CallOptions? options = null)
        => Core.CallAsync(target, request, requestType, responseType, options);

    public DurableFuture<TResponse> CallAsync<TResponse>(CallTarget target, ReadOnlyMemory<byte> request, JsonTypeInfo<TResponse> responseType, CallOptions? options = null)
        => Core.CallAsync(target, request, responseType, options);

    public InvocationHandle Send<TRequest>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, SendOptions? options = null)
        => Core.Send(target, request, requestType, options);

    public DurableFuture<byte[]> CallRawAsync(CallTarget target, ReadOnlyMemory<byte> request, CallOptions? options = null)
        => Core.CallRawAsync(target, request, options);

    public InvocationHandle Send<TRequest>(CallTarget target, TRequest request, SendOptions? options = null)
        => Core.Send(target, request, options);

    public InvocationHandle SendRaw(CallTarget target, ReadOnlyMemory<byte> request, SendOptions? options = null)
        => Core.SendRaw(target, request, options);

    public Awakeable<T> Awakeable<T>(JsonTypeInfo<T>? typeInfo = null) => Core.Awakeable(typeInfo);

    public void ResolveAwakeable<T>(string awakeableId, T value, JsonTypeInfo<T>? typeInfo = null) => Core.ResolveAwakeable(awakeableId, value, typeInfo);

    public void RejectAwakeable(string awakeableId, string reason, ushort code = 500) => Core.RejectAwakeable(awakeableId, reason, code);

    public void CancelInvocation(string invocationId) => Core.CancelInvocation(invocationId);

    public DurableFuture WhenAll(params DurableFuture[] futures) => Core.WhenAll(futures);

    public DurableFuture<int> WhenAny(params DurableFuture[] futures) => Core.WhenAny(futures);
}
