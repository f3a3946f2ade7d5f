using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableAgents;

/// <summary>
/// The durable context of a Service handler. Every operation on it is a journal entry (or reads one on replay), so
/// code written against it survives crashes and retries: completed steps are not executed again.
/// Code outside <see cref="RunAsync{T}(string, Func{CancellationToken, Task{T}}, RunOptions?)"/> must be
/// deterministic; the DurableAgents analyzers check this at compile time.
/// </summary>
public interface IContext
{
    /// <summary>The Restate invocation id (<c>inv_…</c>).</summary>
    string InvocationId { get; }

    /// <summary>The headers of the request that started this invocation (ingress headers or the caller's headers).</summary>
    IReadOnlyDictionary<string, string> RequestHeaders { get; }

    /// <summary>A random source seeded by Restate: the same sequence on every replay of this invocation.</summary>
    DurableRandom Random { get; }

    /// <summary>
    /// Signalled when this invocation is cancelled. Pass it to I/O inside <c>RunAsync</c> (e.g. <see cref="HttpClient"/>)
    /// so a cancelled invocation stops its side effects promptly.
    /// </summary>
    CancellationToken CancellationToken { get; }

    /// <summary>The JSON options used for journaled values (a source-generated resolver chain).</summary>
    System.Text.Json.JsonSerializerOptions JsonOptions { get; }

    /// <summary>True while the handler re-executes journaled commands after a restart (useful for logging).</summary>
    bool IsReplaying { get; }

    /// <summary>
    /// A logger (category <c>DurableAgents.{service}</c>, from the app's logger factory) that drops entries while
    /// <see cref="IsReplaying"/>, so lines are not repeated by later attempts of the invocation.
    /// </summary>
    ILogger Logger => NullLogger.Instance;

    /// <summary>
    /// Runs <paramref name="action"/> once and journals its result. On replay the recorded result (or terminal failure)
    /// is returned without running the action again. Non-terminal exceptions are retried under <paramref name="options"/>.
    /// </summary>
    DurableFuture<T> RunAsync<T>(string name, [RunsInDurableStep] Func<CancellationToken, Task<T>> action, RunOptions? options = null);

    /// <summary>As <see cref="RunAsync{T}(string, Func{CancellationToken, Task{T}}, RunOptions?)"/>, with an explicit serializer (AOT-friendly).</summary>
    DurableFuture<T> RunAsync<T>(string name, [RunsInDurableStep] Func<CancellationToken, Task<T>> action, JsonTypeInfo<T> typeInfo, RunOptions? options = null);

    /// <summary>Runs a side effect without a result once and journals its completion.</summary>
    DurableFuture RunAsync(string name, [RunsInDurableStep] Func<CancellationToken, Task> action, RunOptions? options = null);

    /// <summary>A durable timer: survives restarts, and a suspended invocation costs nothing while it waits.</summary>
    DurableFuture SleepAsync(TimeSpan duration, string? name = null);

    /// <summary>The current time, journaled once: the same value on every replay.</summary>
    DurableFuture<DateTimeOffset> NowAsync();

    /// <summary>A GUID derived from the invocation's random seed: the same value on every replay.</summary>
    Guid NewGuid();

    /// <summary>
    /// A version gate for changing a handler's journal under in-flight invocations: true when this invocation runs the
    /// code after the patch <paramref name="patchId"/>, false when its journal was recorded by code without it. Write
    /// <c>if (ctx.IsPatched("charge-card")) { new steps } else { old steps }</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// On the wire the gate is a journaled marker: a <c>RunCommand</c> named <c>patch:{patchId}</c> whose completion is
    /// proposed at once as <c>true</c> (no closure runs). Running past the recorded journal, the call journals the marker
    /// and returns true. Replaying, it returns true (consuming the marker) when the next recorded command is that marker,
    /// and false, consuming nothing, when it is anything else: the journal was written by code that did not have the
    /// patch, so the old path replays against it without a journal mismatch (570).
    /// </para>
    /// <para>
    /// The answer is deterministic and is remembered for the invocation attempt: asking for the same id again returns the
    /// first answer without a new journal entry. Restate pins an invocation to the deployment it started on, so the gate
    /// is needed only when the code behind a deployment's address is replaced; registering the new code as a new
    /// deployment (and removing the old one once its invocations drained) needs none. Retire a gate (keep only the new
    /// path) once no invocation that started before the patch is in flight.
    /// </para>
    /// </remarks>
    /// <param name="patchId">A stable, non-empty id of the change (for example the new step's name).</param>
    /// <exception cref="ArgumentException"><paramref name="patchId"/> is null or empty.</exception>
    bool IsPatched(string patchId);

    /// <summary>A request-response call to another handler. The call is journaled; its result survives restarts.</summary>
    DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, CallOptions? options = null);

    /// <summary>A request-response call with explicit serializers (AOT-friendly; used by generated clients).</summary>
    DurableFuture<TResponse> CallAsync<TRequest, TResponse>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CallOptions? options = null);

    /// <summary>A call with a pre-serialized request (or none) and a typed response (used by generated clients).</summary>
    DurableFuture<TResponse> CallAsync<TResponse>(CallTarget target, ReadOnlyMemory<byte> request, JsonTypeInfo<TResponse> responseType, CallOptions? options = null);

    /// <summary>A one-way call with an explicit serializer (AOT-friendly; used by generated clients).</summary>
    InvocationHandle Send<TRequest>(CallTarget target, TRequest request, JsonTypeInfo<TRequest> requestType, SendOptions? options = null);

    /// <summary>A call with raw payload bytes (no serialization).</summary>
    DurableFuture<byte[]> CallRawAsync(CallTarget target, ReadOnlyMemory<byte> request, CallOptions? options = null);

    /// <summary>A one-way call: the target runs independently, optionally after <see cref="SendOptions.Delay"/>.</summary>
    InvocationHandle Send<TRequest>(CallTarget target, TRequest request, SendOptions? options = null);

    /// <summary>A one-way call with raw payload bytes.</summary>
    InvocationHandle SendRaw(CallTarget target, ReadOnlyMemory<byte> request, SendOptions? options = null);

    /// <summary>Creates an awakeable: an id to hand to an external system and a future it completes.</summary>
    Awakeable<T> Awakeable<T>(JsonTypeInfo<T>? typeInfo = null);

    /// <summary>Completes another invocation's awakeable with a value.</summary>
    void ResolveAwakeable<T>(string awakeableId, T value, JsonTypeInfo<T>? typeInfo = null);

    /// <summary>Completes another invocation's awakeable with a failure.</summary>
    void RejectAwakeable(string awakeableId, string reason, ushort code = 500);

    /// <summary>Cancels another invocation (it sees a terminal <c>409 Cancelled</c> at its next await).</summary>
    void CancelInvocation(string invocationId);

    /// <summary>Completes when every future has completed; fails with the first terminal failure.</summary>
    DurableFuture WhenAll(params DurableFuture[] futures);

    /// <summary>Completes when the first future completes; the result is the index of that future.</summary>
    DurableFuture<int> WhenAny(params DurableFuture[] futures);
}
