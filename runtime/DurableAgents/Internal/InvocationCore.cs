using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;
using DurableAgents.Observability;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Serialization;
using Google.Protobuf;

namespace DurableAgents.Internal;

/// <summary>
/// What every handler context shares, bound to one invocation attempt: the state machine, the request's services and
/// JSON options, the deterministic random source, the request headers, and the commands that are not about state
/// (runs, timers, calls, sends, awakeables, combinators). It implements no context interface: the per-kind contexts
/// (<see cref="ServiceContext"/>, <see cref="ObjectContext"/>, ...) expose it, with <see cref="InvocationState"/> for
/// the keyed kinds and <see cref="InvocationPromises"/> for the workflow kinds.
/// </summary>
internal sealed class InvocationCore
{
    private readonly InvocationStateMachine _machine;
    private DurableRandom? _random;
    private IReadOnlyDictionary<string, string>? _headers;

    public InvocationCore(InvocationStateMachine machine, ServiceDefinition service, HandlerDefinition handler, JsonSerializerOptions jsonOptions, IServiceProvider services)
    {
        _machine = machine;
        Service = service;
        Handler = handler;
        JsonOptions = jsonOptions;
        Services = services;
    }

    public ServiceDefinition Service { get; }

    public HandlerDefinition Handler { get; }

    public IServiceProvider Services { get; }

    public JsonSerializerOptions JsonOptions { get; }

    public InvocationStateMachine Machine => _machine;

    public string InvocationId => _machine.Start.DebugId;

    public string Key => _machine.Start.Key;

    public bool IsReplaying => _machine.IsReplaying;

    public CancellationToken CancellationToken => _machine.CancellationToken;

    public DurableRandom Random => _random ??= new DurableRandom(_machine.Start.RandomSeed);

    public IReadOnlyDictionary<string, string> RequestHeaders
    {
        get
        {
            if (_headers is null)
            {
                var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var h in _machine.Input.Headers)
                {
                    d[h.Key] = h.Value;
                }

                _headers = d;
            }

            return _headers;
        }
    }

    public Guid NewGuid() => Random.NextGuid();

    public bool IsPatched(string patchId)
    {
        ArgumentException.ThrowIfNullOrEmpty(patchId);
        return _machine.IsPatched(patchId);
    }

    // ------------------------------------------------------------------ run

    public DurableFuture<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> action, RunOptions? options = null)
        => RunAsync(name, action, JsonSerde.TypeInfo<T>(JsonOptions), options);

    public DurableFuture<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> action, JsonTypeInfo<T> typeInfo, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(action);
        var (slot, execute, index, replayed) = _machine.RunCommand(name);
        if (!execute)
        {
            DurableAgentsTelemetry.StepReplayed(InvocationId, name);
        }

        var future = new SlotFuture<T>(_machine, slot, n => ReadValue(n, typeInfo));
        if (execute)
        {
            try
            {
                _ = ExecuteRunAsync(slot.Id, index, replayed, name, action, typeInfo, options?.RetryPolicy);
            }
            finally
            {
                _machine.ReleaseOutput();
            }
        }

        return future;
    }

    public DurableFuture RunAsync(string name, Func<CancellationToken, Task> action, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        return RunAsync(name, async ct =>
        {
            await action(ct).ConfigureAwait(false);
            return true;
        }, BuiltInJsonContext.Default.Boolean, options);
    }

    private async Task ExecuteRunAsync<T>(uint completionId, uint commandIndex, bool replayed, string name, Func<CancellationToken, Task<T>> action,
        JsonTypeInfo<T> typeInfo, RetryPolicy? policy)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = DurableAgentsTelemetry.StartStep(InvocationId, name); // restate.replayed=false; a replayed step's span comes from StepReplayed
        ProposeRunCompletionMessage proposal;
        try
        {
            var result = await action(CancellationToken).ConfigureAwait(false);
            proposal = new ProposeRunCompletionMessage { Value = UnsafeByteOperations.UnsafeWrap(JsonSerde.Serialize(result, typeInfo)) };
        }
        catch (TerminalException e)
        {
            proposal = new ProposeRunCompletionMessage { Failure = Failures.FromException(e) };
        }
        catch (InvocationClosedException)
        {
            _machine.RunAbandoned(completionId);
            return;
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            proposal = new ProposeRunCompletionMessage { Failure = new Failure { Code = ProtocolErrorCodes.Cancelled, Message = "Cancelled" } };
        }
        catch (Exception e)
        {
            var (previous, previousElapsed) = _machine.PreviousAttempts(replayed);
            var attempt = previous + 1;
            var elapsed = previousElapsed + Stopwatch.GetElapsedTime(started);
            if (policy is not null && ((policy.MaxAttempts is { } max && attempt >= max) || (policy.MaxDuration is { } maxDuration && elapsed >= maxDuration)))
            {
                proposal = new ProposeRunCompletionMessage
                {
                    Failure = new Failure
                    {
                        Code = ProtocolErrorCodes.InternalError,
                        Message = $"Run '{name}' failed after {attempt} attempt(s) ({elapsed.TotalMilliseconds:F0} ms): {e.GetType().Name}: {e.Message}",
                    },
                };
            }
            else
            {
                // A RetryAfterException (e.g. HTTP 429 Retry-After from a model provider) sets the delay itself.
                DurableAgentsTelemetry.StepFailed(activity, e);
                _machine.RunFailedRetryable(completionId, commandIndex, name, e, e is RetryAfterException retryAfter ? retryAfter.RetryAfter : policy?.DelayBeforeRetry((int)attempt));
                return;
            }
        }

        DurableAgentsTelemetry.StepProposed(activity, proposal);
        _machine.ProposeRunCompletion(completionId, proposal);
    }

    internal static T ReadValue<T>(NotificationTemplate n, JsonTypeInfo<T> typeInfo)
        => n.ResultCase == NotificationTemplate.ResultOneofCase.Value ? JsonSerde.DeserializeJournaled(n.Value.Content.Span, typeInfo) : default!;

    // ------------------------------------------------------------------ timers, time, random

    public DurableFuture SleepAsync(TimeSpan duration, string? name = null)
    {
        var wakeUp = (ulong)Math.Max(0, DateTimeOffset.UtcNow.Add(duration < TimeSpan.Zero ? TimeSpan.Zero : duration).ToUnixTimeMilliseconds());
        var slot = _machine.CompletableCommand(MessageType.SleepCommand,
            id => new SleepCommandMessage { WakeUpTime = wakeUp, ResultCompletionId = id, Name = name ?? "" });
        return new SlotFuture<bool>(_machine, slot, static _ => true);
    }

    public DurableFuture<DateTimeOffset> NowAsync()
        => RunAsync("now", static _ => Task.FromResult(DateTimeOffset.UtcNow), BuiltInJsonContext.Default.DateTimeOffset);

    // ------------------------------------------------------------------ calls

    public DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, CallOptions? options = null)
    {
        var payload = JsonSerde.Serialize(request, JsonSerde.TypeInfo<TRequest>(JsonOptions));
        var responseInfo = JsonSerde.TypeInfo<TResponse>(JsonOptions);
        return Call(target, payload, options, n => ReadValue(n, responseInfo));
    }

    public DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CallOptions? options = null)
        => Call(target, JsonSerde.Serialize(request, requestType), options, n => ReadValue(n, responseType));

    public DurableFuture<TResponse> CallAsync<TResponse>(CallTarget target, ReadOnlyMemory<byte> request, JsonTypeInfo<TResponse> responseType, CallOptions? options = null)
        => Call(target, request, options, n => ReadValue(n, responseType));

    public InvocationHandle Send<TRequest>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, SendOptions? options = null)
        => SendRaw(target, JsonSerde.Serialize(request, requestType), options);

    public DurableFuture<byte[]> CallRawAsync(CallTarget target, ReadOnlyMemory<byte> request, CallOptions? options = null)
        => Call(target, request, options, static n => n.ResultCase == NotificationTemplate.ResultOneofCase.Value ? n.Value.Content.ToByteArray() : []);

    /// <summary>A call whose request is already serialized; used by generated clients.</summary>
    internal DurableFuture<T> Call<T>(CallTarget target, ReadOnlyMemory<byte> request, CallOptions? options, Func<NotificationTemplate, T> map)
        => CallCore(target, request, options, map).Result;

    private (DurableFuture<string> InvocationId, DurableFuture<T> Result) CallCore<T>(CallTarget target, ReadOnlyMemory<byte> request, CallOptions? options, Func<NotificationTemplate, T> map)
    {
        ValidateTarget(target);
        if (options?.IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("An idempotency key must not be empty.", nameof(options));
        }

        var (invocationId, result) = _machine.CallCommand((idIdx, resultIdx) =>
        {
            var cmd = new CallCommandMessage
            {
                ServiceName = target.Service,
                HandlerName = target.Handler,
                Parameter = ByteString.CopyFrom(request.Span),
                Key = target.Key ?? "",
                InvocationIdNotificationIdx = idIdx,
                ResultCompletionId = resultIdx,
                Name = options?.Name ?? "",
            };
            if (options?.IdempotencyKey is { } key) cmd.IdempotencyKey = key;
            AddHeaders(cmd.Headers, options?.Headers);
            return cmd;
        });
        return (new SlotFuture<string>(_machine, invocationId, static n => n.InvocationId), new SlotFuture<T>(_machine, result, map));
    }

    public InvocationHandle Send<TRequest>(CallTarget target, TRequest request, SendOptions? options = null)
        => SendRaw(target, JsonSerde.Serialize(request, JsonSerde.TypeInfo<TRequest>(JsonOptions)), options);

    public InvocationHandle SendRaw(CallTarget target, ReadOnlyMemory<byte> request, SendOptions? options = null)
    {
        ValidateTarget(target);
        if (options?.IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("An idempotency key must not be empty.", nameof(options));
        }

        var invokeTime = options?.Delay is { } delay && delay > TimeSpan.Zero
            ? (ulong)DateTimeOffset.UtcNow.Add(delay).ToUnixTimeMilliseconds()
            : 0UL;
        var slot = _machine.OneWayCallCommand(idIdx =>
        {
            var cmd = new OneWayCallCommandMessage
            {
                ServiceName = target.Service,
                HandlerName = target.Handler,
                Parameter = ByteString.CopyFrom(request.Span),
                Key = target.Key ?? "",
                InvokeTime = invokeTime,
                InvocationIdNotificationIdx = idIdx,
                Name = options?.Name ?? "",
            };
            if (options?.IdempotencyKey is { } key) cmd.IdempotencyKey = key;
            AddHeaders(cmd.Headers, options?.Headers);
            return cmd;
        });
        return new InvocationHandle(new SlotFuture<string>(_machine, slot, static n => n.InvocationId));
    }

    private static void ValidateTarget(CallTarget target)
    {
        if (string.IsNullOrEmpty(target.Service) || string.IsNullOrEmpty(target.Handler))
        {
            throw new ArgumentException("A call target needs a service and a handler name.", nameof(target));
        }
    }

    private static void AddHeaders(Google.Protobuf.Collections.RepeatedField<Header> into, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return;
        }

        // Ordinal order: the command must be byte-identical on replay.
        foreach (var (k, v) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            into.Add(new Header { Key = k, Value = v });
        }
    }

    // ------------------------------------------------------------------ awakeables and signals

    public Awakeable<T> Awakeable<T>(JsonTypeInfo<T>? typeInfo = null)
    {
        var info = typeInfo ?? JsonSerde.TypeInfo<T>(JsonOptions);
        var (signalId, slot) = _machine.AllocateSignal();
        var id = AwakeableId(_machine.Start.Id.Span, signalId);
        return new Awakeable<T>(id, new SlotFuture<T>(_machine, slot, n => ReadValue(n, info)));
    }

    /// <summary><c>sign_1</c> + base64url (no padding) of the raw invocation id followed by the signal id (u32, big-endian).</summary>
    internal static string AwakeableId(ReadOnlySpan<byte> invocationId, uint signalId)
    {
        Span<byte> raw = stackalloc byte[invocationId.Length + 4];
        invocationId.CopyTo(raw);
        BinaryPrimitives.WriteUInt32BigEndian(raw[invocationId.Length..], signalId);
        return "sign_1" + Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public void ResolveAwakeable<T>(string awakeableId, T value, JsonTypeInfo<T>? typeInfo = null)
    {
        var bytes = JsonSerde.Serialize(value, typeInfo ?? JsonSerde.TypeInfo<T>(JsonOptions));
        _machine.Command(MessageType.CompleteAwakeableCommand, new CompleteAwakeableCommandMessage
        {
            AwakeableId = awakeableId,
            Value = new Value { Content = UnsafeByteOperations.UnsafeWrap(bytes) },
        });
    }

    public void RejectAwakeable(string awakeableId, string reason, ushort code = 500)
        => _machine.Command(MessageType.CompleteAwakeableCommand, new CompleteAwakeableCommandMessage
        {
            AwakeableId = awakeableId,
            Failure = new Failure { Code = code, Message = reason },
        });

    public void CancelInvocation(string invocationId)
        => _machine.Command(MessageType.SendSignalCommand, new SendSignalCommandMessage
        {
            TargetInvocationId = invocationId,
            Idx = 1,
            Void = new Protocol.Messages.Void(),
        });

    public DurableFuture WhenAll(params DurableFuture[] futures) => new AllFuture(_machine, futures);

    public DurableFuture<int> WhenAny(params DurableFuture[] futures)
    {
        if (futures.Length == 0)
        {
            throw new ArgumentException("WhenAny needs at least one future.", nameof(futures));
        }

        return new AnyFuture(_machine, futures);
    }
}
