using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;
using DurableAgents.Serialization;

namespace DurableAgents.Streaming;

/// <summary>
/// The event logs of agent runs, kept on Restate: a Virtual Object (<see cref="ServiceName"/>) keyed by the run id (the
/// agent invocation's id). The exclusive <c>append</c> handler takes the journaled events the agent invocation sends
/// (one-way, exactly once each); the exclusive <c>deltas</c> handler takes the live text deltas the service publishes
/// through the ingress (best effort); the shared <c>read</c> handler returns a page of events after a sequence, without
/// waiting for the exclusive queue; <c>expire</c> drops the log after the retention. Events are kept in chunks of
/// <see cref="ChunkSize"/> per state entry, and the object uses lazy state, so an append reads and rewrites one small
/// entry and a read fetches only the chunks it returns. Because the log lives in Restate, any
/// replica of the service appends to and reads from the same log, and a killed service loses nothing that was
/// appended. <c>services.AddDurableAgentStreams()</c> binds it.
/// </summary>
public static class RunEventStore
{
    /// <summary>The Virtual Object's service name.</summary>
    public const string ServiceName = "DurableAgents.RunEvents";

    /// <summary>The most events one <c>read</c> returns.</summary>
    public const int MaxPage = 500;

    /// <summary>Events per state entry.</summary>
    public const int ChunkSize = 64;

    /// <summary>The most journaled events in one <c>append</c>.</summary>
    public const int MaxAppendEvents = 1000;

    internal const string Append = "append";
    internal const string Deltas = "deltas";
    internal const string Read = "read";
    internal const string Expire = "expire";
    private const string MetaKey = "meta";

    private static JsonTypeInfo<List<RunEvent>> EventsJson => RunEventJsonContext.Default.ListRunEvent;

    private static JsonTypeInfo<RunLogState> StateJson => RunEventJsonContext.Default.RunLogState;

    /// <summary>The bounds applied by this process's handlers (set by <c>AddDurableAgentStreams</c>).</summary>
    internal static RunEventLimits Limits { get; set; } = RunEventLimits.Default;

    /// <summary>How long a log is kept after its first event (set by <c>AddDurableAgentStreams</c>).</summary>
    internal static TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The Virtual Object's definition (<c>AddDurableAgentStreams</c> binds it).</summary>
    public static ServiceDefinition Definition { get; } = new()
    {
        Name = ServiceName,
        Type = ServiceType.VirtualObject,
        JsonTypeInfoResolver = RunEventJsonContext.Default,
        Options = new ServiceOptions
        {
            Documentation = "Event logs of DurableAgents runs, keyed by the run's invocation id (append: journaled events; deltas: live text; read: a page).",

            // Lazy state: an append or a read fetches the meta entry and the chunks it needs, not the whole log.
            EnableLazyState = true,
        },
        Handlers =
        [
            new HandlerDefinition { Name = Append, Type = HandlerType.Exclusive, Invoker = AppendAsync, InputRequired = true },
            new HandlerDefinition { Name = Deltas, Type = HandlerType.Exclusive, Invoker = DeltasAsync, InputRequired = true },
            new HandlerDefinition { Name = Expire, Type = HandlerType.Exclusive, Invoker = ExpireAsync },
            new HandlerDefinition { Name = Read, Type = HandlerType.Shared, Invoker = ReadAsync, InputRequired = true },
        ],
    };

    /// <summary>The call target of a handler of the log of <paramref name="runId"/>.</summary>
    internal static CallTarget Target(string handler, string runId) => new(ServiceName, handler, runId);

    private static async ValueTask<ReadOnlyMemory<byte>> AppendAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (IObjectContext)context;
        var events = JsonSerde.Deserialize(input, EventsJson) ?? [];
        if (events.Count > MaxAppendEvents)
        {
            throw new TerminalException($"An append carries at most {MaxAppendEvents} events.", 400);
        }

        foreach (var e in events)
        {
            Validate(e);
        }

        var state = await ctx.GetAsync(MetaKey, StateJson) ?? new RunLogState();
        var added = RunEventLog.AppendJournaled(state, ctx.Key, events, Limits);
        await SaveAsync(ctx, state, added);
        return JsonSerde.Serialize(state.LastSeq, BuiltInJsonContext.Default.Int64);
    }

    private static async ValueTask<ReadOnlyMemory<byte>> DeltasAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (IObjectContext)context;
        var batch = JsonSerde.Deserialize(input, RunEventJsonContext.Default.RunDeltaBatch);
        var limits = Limits;
        if (batch is null || string.IsNullOrEmpty(batch.Step) || batch.Step.Length > limits.MaxStepLength || batch.FirstStepSeq < 1
            || batch.Texts is null || batch.Texts.Count > limits.MaxBatchDeltas || batch.Texts.Exists(t => t is null || t.Length > limits.MaxTextLength))
        {
            throw new TerminalException("A delta batch needs a step name, a first position of at least 1, and at most the allowed number and size of texts.", 400);
        }

        var state = await ctx.GetAsync(MetaKey, StateJson) ?? new RunLogState();
        var added = RunEventLog.AppendDeltas(state, ctx.Key, batch, limits);
        await SaveAsync(ctx, state, added);
        return JsonSerde.Serialize(state.LastSeq, BuiltInJsonContext.Default.Int64);
    }

    private static ValueTask<ReadOnlyMemory<byte>> ExpireAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        ((IObjectContext)context).ClearAll();
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(JsonSerde.Serialize(true, BuiltInJsonContext.Default.Boolean));
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (ISharedObjectContext)context;
        var query = JsonSerde.Deserialize(input, RunEventJsonContext.Default.RunEventQuery) ?? new RunEventQuery();
        if (query.After < 0)
        {
            throw new TerminalException("'after' must not be negative.", 400);
        }

        var max = Math.Clamp(query.Max, 1, MaxPage);
        var page = new RunEventPage();
        var state = await ctx.GetAsync(MetaKey, StateJson);
        if (state is not null)
        {
            page.LastSeq = state.LastSeq;
            page.Finished = state.Finished;
            page.Truncated = state.Truncated;
            var next = query.After + 1;
            while (next <= state.LastSeq && page.Events.Count < max)
            {
                var chunk = await ctx.GetAsync(ChunkKey(next), EventsJson) ?? [];
                var start = (int)((next - 1) % ChunkSize);
                if (start >= chunk.Count)
                {
                    break;
                }

                for (var i = start; i < chunk.Count && page.Events.Count < max; i++)
                {
                    page.Events.Add(chunk[i]);
                }

                next = page.Events[^1].Seq + 1;
            }
        }

        return JsonSerde.Serialize(page, RunEventJsonContext.Default.RunEventPage);
    }

    private static async Task SaveAsync(IObjectContext ctx, RunLogState state, List<RunEvent> added)
    {
        if (added.Count > 0)
        {
            // Events go to the chunk of their sequence; a chunk is read once and written once per append.
            var index = 0;
            while (index < added.Count)
            {
                var seq = added[index].Seq;
                var key = ChunkKey(seq);
                var chunk = (seq - 1) % ChunkSize == 0 ? [] : await ctx.GetAsync(key, EventsJson) ?? [];
                while (index < added.Count && ChunkKey(added[index].Seq) == key)
                {
                    chunk.Add(added[index++]);
                }

                ctx.Set(key, chunk, EventsJson);
            }
        }

        if (!state.ExpiryScheduled)
        {
            state.ExpiryScheduled = true;
            ctx.SendRaw(Target(Expire, ctx.Key), ReadOnlyMemory<byte>.Empty, new SendOptions { Delay = Retention });
        }

        ctx.Set(MetaKey, state, StateJson);
    }

    private static string ChunkKey(long seq) => "events:" + ((seq - 1) / ChunkSize).ToString(CultureInfo.InvariantCulture);

    private static void Validate(RunEvent e)
    {
        var limits = Limits;
        if (string.IsNullOrEmpty(e.Type) || e.Type.Length > 64 || (e.Step?.Length ?? 0) > limits.MaxStepLength
            || (e.Text?.Length ?? 0) > limits.MaxTextLength || (e.Result?.Length ?? 0) > limits.MaxTextLength || (e.Error?.Length ?? 0) > limits.MaxTextLength)
        {
            throw new TerminalException("An event needs a type, and its step and texts must be within the log's limits.", 400);
        }

        if (e.Type is RunEventTypes.TextDelta or RunEventTypes.StepRestarted)
        {
            throw new TerminalException($"'{e.Type}' events are made by the store, not appended.", 400);
        }
    }
}
