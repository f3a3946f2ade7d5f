using System.Text.Json.Serialization.Metadata;
using DurableAgents.Definitions;
using DurableAgents.Serialization;

namespace DurableAgents.Agents;

/// <summary>
/// The pending approvals of non-session agents, kept on Restate: a Virtual Object (<see cref="ServiceName"/>) keyed by
/// the id of the run (<c>inv_1…</c>) that waits for them. A session agent keeps its approvals in its own state; a
/// non-session agent is a Service and has none, so its run records each approval request here before it suspends, its
/// <c>approve</c> handler delivers a decision through the exclusive <c>decide</c> handler (unknown, already decided or
/// expired ids are a 404, and a decision is delivered at most once), and its <c>approvals</c> handler lists them through the
/// shared <c>list</c> handler. The run removes what is left once its approvals are decided or timed out (<c>expire</c>),
/// and <c>add</c> schedules the same removal after the deadline in case the run never comes back. The object is
/// ingress-private: only the agents' handlers call it. <c>services.AddRestateServices()</c> binds it when the assembly
/// has a non-session agent; bind <see cref="Definition"/> yourself if you bind agent definitions by hand.
/// </summary>
public static class AgentApprovals
{
    /// <summary>The Virtual Object's service name.</summary>
    public const string ServiceName = "DurableAgentApprovals";

    /// <summary>The most approvals one run may have pending at once.</summary>
    public const int MaxPendingPerRun = 1000;

    /// <summary>How long after the latest deadline of a batch the object drops it if the run has not.</summary>
    internal static readonly TimeSpan CleanupGrace = TimeSpan.FromMinutes(1);

    private const string StateKey = "pending";
    private const string Add = "add";
    private const string Decide = "decide";
    private const string Expire = "expire";
    private const string List = "list";

    private static JsonTypeInfo<ApprovalBatch> BatchJson => AgentJsonContext.Default.ApprovalBatch;

    private static JsonTypeInfo<AgentApprovalDecision> DecisionJson => AgentJsonContext.Default.AgentApprovalDecision;

    private static JsonTypeInfo<List<string>> IdsJson => BuiltInJsonContext.Default.ListString;

    /// <summary>The Virtual Object's definition (bind it with <c>options.Bind(AgentApprovals.Definition)</c>).</summary>
    public static ServiceDefinition Definition { get; } = new()
    {
        Name = ServiceName,
        Type = ServiceType.VirtualObject,
        JsonTypeInfoResolver = AgentJson.Resolver,
        Options = new ServiceOptions
        {
            Documentation = "Pending tool-call approvals of DurableAgents non-session agents, keyed by the run's invocation id (internal).",
            IngressPrivate = true,
        },
        Handlers =
        [
            new HandlerDefinition { Name = Add, Type = HandlerType.Exclusive, Invoker = AddAsync, InputRequired = true },
            new HandlerDefinition { Name = Decide, Type = HandlerType.Exclusive, Invoker = DecideAsync, InputRequired = true },
            new HandlerDefinition { Name = Expire, Type = HandlerType.Exclusive, Invoker = ExpireAsync, InputRequired = true },
            new HandlerDefinition { Name = List, Type = HandlerType.Shared, Invoker = ListAsync, InputRequired = true },
        ],
    };

    // ------------------------------------------------------------------ called by the agent runtime

    /// <summary>Records <paramref name="pending"/> under the calling run's invocation id (a journaled call).</summary>
    internal static DurableFuture RecordAsync(IContext context, string agent, List<PendingApproval> pending)
        => context.CallAsync(Target(Add, context.InvocationId), new ApprovalBatch(agent, pending), BatchJson, BuiltInJsonContext.Default.Boolean);

    /// <summary>Removes <paramref name="ids"/> of the calling run; the result is the ids that were still pending.</summary>
    internal static DurableFuture<List<string>> ExpireAsync(IContext context, List<string> ids)
        => context.CallAsync(Target(Expire, context.InvocationId), ids, IdsJson, IdsJson);

    /// <summary>Delivers <paramref name="decision"/> to the run <paramref name="runId"/> of <paramref name="agent"/> (404 when not pending).</summary>
    internal static DurableFuture<bool> DecideAsync(IContext context, string runId, string agent, ApprovalDecision decision)
        => context.CallAsync(Target(Decide, runId), new AgentApprovalDecision(agent, decision), DecisionJson, BuiltInJsonContext.Default.Boolean);

    /// <summary>The pending approvals of the run <paramref name="runId"/> of <paramref name="agent"/>.</summary>
    internal static DurableFuture<List<PendingApproval>> ListAsync(IContext context, string runId, string agent)
        => context.CallAsync(Target(List, runId), agent, BuiltInJsonContext.Default.String, AgentJson.Approvals);

    private static CallTarget Target(string handler, string runId) => new(ServiceName, handler, runId);

    // ------------------------------------------------------------------ the handlers

    private static async ValueTask<ReadOnlyMemory<byte>> AddAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (IObjectContext)context;
        var batch = JsonSerde.Deserialize(input, BatchJson);
        if (batch is null || string.IsNullOrEmpty(batch.Agent) || batch.Approvals is not { Count: > 0 })
        {
            throw new TerminalException("An approval batch needs the agent name and at least one approval.", 400);
        }

        var stored = await ctx.GetAsync(StateKey, BatchJson);
        if (stored is not null && !string.Equals(stored.Agent, batch.Agent, StringComparison.Ordinal))
        {
            throw new TerminalException($"Run '{ctx.Key}' records approvals of agent '{stored.Agent}', not '{batch.Agent}'.", 409);
        }

        var approvals = stored?.Approvals ?? [];
        if (approvals.Count + batch.Approvals.Count > MaxPendingPerRun)
        {
            throw new TerminalException($"Run '{ctx.Key}' would have more than {MaxPendingPerRun} pending approvals.", 400);
        }

        approvals.AddRange(batch.Approvals);
        ctx.Set(StateKey, new ApprovalBatch(batch.Agent, approvals), BatchJson);

        // Drop the batch after its deadline even if the run never removes it (cancelled or failed while waiting).
        var latest = batch.Approvals.Max(static p => p.ExpiresAt);
        if (latest is { } deadline)
        {
            var now = await ctx.NowAsync();
            var delay = deadline - now;
            ctx.Send(Target(Expire, ctx.Key), batch.Approvals.Select(static p => p.Id).ToList(), IdsJson,
                new SendOptions { Delay = (delay > TimeSpan.Zero ? delay : TimeSpan.Zero) + CleanupGrace });
        }

        return JsonSerde.Serialize(true, BuiltInJsonContext.Default.Boolean);
    }

    private static async ValueTask<ReadOnlyMemory<byte>> DecideAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (IObjectContext)context;
        var request = JsonSerde.Deserialize(input, DecisionJson);
        if (request?.Decision is not { Id.Length: > 0 } decision)
        {
            throw new TerminalException("A decision needs the approval id.", 400);
        }

        var stored = await ctx.GetAsync(StateKey, BatchJson);
        var index = stored is null || !string.Equals(stored.Agent, request.Agent, StringComparison.Ordinal)
            ? -1
            : stored.Approvals.FindIndex(p => string.Equals(p.Id, decision.Id, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new TerminalException($"No pending approval '{decision.Id}' for agent '{request.Agent}' (unknown, already decided, or expired).", 404);
        }

        stored!.Approvals.RemoveAt(index);
        Save(ctx, stored);
        ctx.ResolveAwakeable(decision.Id, decision, AgentJson.Decision);
        return JsonSerde.Serialize(decision.Approved, BuiltInJsonContext.Default.Boolean);
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ExpireAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (IObjectContext)context;
        var ids = JsonSerde.Deserialize(input, IdsJson) ?? [];
        var removed = new List<string>();
        var stored = await ctx.GetAsync(StateKey, BatchJson);
        if (stored is not null && ids.Count > 0)
        {
            var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
            stored.Approvals.RemoveAll(p =>
            {
                if (!wanted.Contains(p.Id))
                {
                    return false;
                }

                removed.Add(p.Id);
                return true;
            });
            if (removed.Count > 0)
            {
                Save(ctx, stored);
            }
        }

        return JsonSerde.Serialize(removed, IdsJson);
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ListAsync(IHandlerContext context, ReadOnlyMemory<byte> input)
    {
        var ctx = (ISharedObjectContext)context;
        var agent = JsonSerde.Deserialize(input, BuiltInJsonContext.Default.String);
        var stored = await ctx.GetAsync(StateKey, BatchJson);
        var approvals = stored is not null && string.Equals(stored.Agent, agent, StringComparison.Ordinal) ? stored.Approvals : [];
        return JsonSerde.Serialize(approvals, AgentJson.Approvals);
    }

    private static void Save(IObjectContext ctx, ApprovalBatch batch)
    {
        if (batch.Approvals.Count == 0)
        {
            ctx.Clear(StateKey);
        }
        else
        {
            ctx.Set(StateKey, batch, BatchJson);
        }
    }
}
