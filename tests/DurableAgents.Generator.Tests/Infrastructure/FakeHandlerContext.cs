using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;

namespace DurableAgents.Generator.Tests.Infrastructure;

/// <summary>
/// An in-memory <see cref="IHandlerContext"/> for calling generated invokers and clients directly: state is a
/// dictionary of JSON bytes, <c>RunAsync</c> journals each step's result by name (and replays a recorded result
/// without running the action), calls and sends are recorded with their serialized payloads. Capabilities no test here
/// uses (timers, awakeables, promises, combinators, version gates) throw <see cref="NotSupportedException"/>. It stands in for the
/// context of every handler kind (the runtime gives each kind exactly its own interface; these tests call invokers of
/// all kinds with one fake), so it implements <see cref="IWorkflowContext"/>, the most capable one.
/// </summary>
public sealed class FakeHandlerContext(IServiceProvider services, JsonSerializerOptions jsonOptions, string key = "key-1") : IHandlerContext, IWorkflowContext
{
    public Dictionary<string, byte[]> State { get; } = new(StringComparer.Ordinal);

    /// <summary>Recorded step results by step name, in the order steps ran.</summary>
    public Dictionary<string, byte[]> Journal { get; } = new(StringComparer.Ordinal);

    public List<string> ExecutedSteps { get; } = [];

    public List<(CallTarget Target, byte[] Body, bool OneWay)> Calls { get; } = [];

    /// <summary>The raw response every call returns.</summary>
    public byte[] CallResponse { get; set; } = [];

    public IServiceProvider Services { get; } = services;

    public HandlerDefinition Handler => throw new NotSupportedException("not used by these tests");

    public string InvocationId => "inv_test";

    public IReadOnlyDictionary<string, string> RequestHeaders { get; } = new Dictionary<string, string>();

    public DurableRandom Random { get; } = new(42);

    public CancellationToken CancellationToken => CancellationToken.None;

    public JsonSerializerOptions JsonOptions { get; } = jsonOptions;

    public bool IsReplaying => false;

    public string Key { get; } = key;

    public DurableFuture<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> action, RunOptions? options = null)
        => RunAsync(name, action, (JsonTypeInfo<T>)JsonOptions.GetTypeInfo(typeof(T)), options);

    public DurableFuture<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> action, JsonTypeInfo<T> typeInfo, RunOptions? options = null)
    {
        if (!Journal.TryGetValue(name, out var recorded))
        {
            ExecutedSteps.Add(name);
            recorded = JsonSerializer.SerializeToUtf8Bytes(action(CancellationToken).GetAwaiter().GetResult(), typeInfo);
            Journal[name] = recorded;
        }

        return DurableFuture<T>.FromResult(JsonSerializer.Deserialize(recorded, typeInfo)!);
    }

    public DurableFuture RunAsync(string name, Func<CancellationToken, Task> action, RunOptions? options = null)
        => RunAsync(name, async ct =>
        {
            await action(ct);
            return true;
        }, DurableAgents.Serialization.BuiltInJsonContext.Default.Boolean, options);

    public DurableFuture SleepAsync(TimeSpan duration, string? name = null) => throw new NotSupportedException("not used by these tests");

    public DurableFuture<DateTimeOffset> NowAsync() => DurableFuture<DateTimeOffset>.FromResult(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public Guid NewGuid() => Random.NextGuid();

    public bool IsPatched(string patchId) => throw new NotSupportedException("not used by these tests");

    public DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, CallOptions? options = null)
        => CallAsync(target, request, (JsonTypeInfo<TRequest>)JsonOptions.GetTypeInfo(typeof(TRequest)), (JsonTypeInfo<TResponse>)JsonOptions.GetTypeInfo(typeof(TResponse)), options);

    public DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CallOptions? options = null)
    {
        Calls.Add((target, JsonSerializer.SerializeToUtf8Bytes(request, requestType), false));
        return DurableFuture<TResponse>.FromResult(CallResponse.Length == 0 ? default! : JsonSerializer.Deserialize(CallResponse, responseType)!);
    }

    public DurableFuture<TResponse> CallAsync<TResponse>(CallTarget target, ReadOnlyMemory<byte> request, JsonTypeInfo<TResponse> responseType, CallOptions? options = null)
    {
        Calls.Add((target, request.ToArray(), false));
        return DurableFuture<TResponse>.FromResult(CallResponse.Length == 0 ? default! : JsonSerializer.Deserialize(CallResponse, responseType)!);
    }

    public InvocationHandle Send<TRequest>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, SendOptions? options = null)
    {
        Calls.Add((target, JsonSerializer.SerializeToUtf8Bytes(request, requestType), true));
        return Handle();
    }

    public DurableFuture<byte[]> CallRawAsync(CallTarget target, ReadOnlyMemory<byte> request, CallOptions? options = null)
    {
        Calls.Add((target, request.ToArray(), false));
        return DurableFuture<byte[]>.FromResult(CallResponse);
    }

    public InvocationHandle Send<TRequest>(CallTarget target, TRequest request, SendOptions? options = null)
        => Send(target, request, (JsonTypeInfo<TRequest>)JsonOptions.GetTypeInfo(typeof(TRequest)), options);

    public InvocationHandle SendRaw(CallTarget target, ReadOnlyMemory<byte> request, SendOptions? options = null)
    {
        Calls.Add((target, request.ToArray(), true));
        return Handle();
    }

    public Awakeable<T> Awakeable<T>(JsonTypeInfo<T>? typeInfo = null) => throw new NotSupportedException("not used by these tests");

    public void ResolveAwakeable<T>(string awakeableId, T value, JsonTypeInfo<T>? typeInfo = null) => throw new NotSupportedException("not used by these tests");

    public void RejectAwakeable(string awakeableId, string reason, ushort code = 500) => throw new NotSupportedException("not used by these tests");

    public void CancelInvocation(string invocationId) => throw new NotSupportedException("not used by these tests");

    public DurableFuture WhenAll(params DurableFuture[] futures) => throw new NotSupportedException("not used by these tests");

    public DurableFuture<int> WhenAny(params DurableFuture[] futures) => throw new NotSupportedException("not used by these tests");

    public DurableFuture<T?> GetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null)
        => DurableFuture<T?>.FromResult(State.TryGetValue(key, out var bytes)
            ? JsonSerializer.Deserialize(bytes, typeInfo ?? (JsonTypeInfo<T>)JsonOptions.GetTypeInfo(typeof(T)))
            : default);

    public DurableFuture<StateValue<T>> TryGetAsync<T>(string key, JsonTypeInfo<T>? typeInfo = null)
        => DurableFuture<StateValue<T>>.FromResult(State.TryGetValue(key, out var bytes)
            ? new StateValue<T>(true, JsonSerializer.Deserialize(bytes, typeInfo ?? (JsonTypeInfo<T>)JsonOptions.GetTypeInfo(typeof(T))))
            : new StateValue<T>(false, default));

    public DurableFuture<IReadOnlyList<string>> GetStateKeysAsync()
        => DurableFuture<IReadOnlyList<string>>.FromResult(State.Keys.Order(StringComparer.Ordinal).ToList());

    public void Set<T>(string key, T value, JsonTypeInfo<T>? typeInfo = null)
        => State[key] = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo ?? (JsonTypeInfo<T>)JsonOptions.GetTypeInfo(typeof(T)));

    public void Clear(string key) => State.Remove(key);

    public void ClearAll() => State.Clear();

    public DurablePromise<T> Promise<T>(string name, JsonTypeInfo<T>? typeInfo = null) => throw new NotSupportedException("not used by these tests");

    // InvocationHandle has no public constructor; the tests never read it.
    private static InvocationHandle Handle() => (InvocationHandle)RuntimeHelpers.GetUninitializedObject(typeof(InvocationHandle));
}
