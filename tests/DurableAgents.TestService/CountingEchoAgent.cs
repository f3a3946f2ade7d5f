using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using MafAgentResponse = Microsoft.Agents.AI.AgentResponse;

namespace DurableAgents.TestService;

/// <summary>
/// An Agent Framework agent that is not a ChatClientAgent: it echoes the message with the number of runs of its session
/// (kept in the session's state bag), and records each execution as a side effect.
/// </summary>
public sealed class CountingEchoAgent : AIAgent
{
    private const string CountKey = "count";

    public override string? Name => "echo";

    protected override ValueTask<AgentSession> CreateSessionCoreAsync(CancellationToken cancellationToken = default)
        => ValueTask.FromResult<AgentSession>(new EchoSession(new AgentSessionStateBag()));

    protected override ValueTask<JsonElement> SerializeSessionCoreAsync(AgentSession session, JsonSerializerOptions? jsonSerializerOptions = null, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(session.StateBag.Serialize());

    protected override ValueTask<AgentSession> DeserializeSessionCoreAsync(JsonElement serializedState, JsonSerializerOptions? jsonSerializerOptions = null, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<AgentSession>(new EchoSession(AgentSessionStateBag.Deserialize(serializedState)));

    protected override Task<MafAgentResponse> RunCoreAsync(IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var count = 1;
        if (session is not null)
        {
            count = (session.StateBag.TryGetValue<string>(CountKey, out var previous) ? int.Parse(previous!, System.Globalization.CultureInfo.InvariantCulture) : 0) + 1;
            session.StateBag.SetValue(CountKey, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var text = string.Join(" ", messages.Select(m => m.Text));
        SideEffects.Record($"echo:{text}:{count}");
        return Task.FromResult(new MafAgentResponse(new ChatMessage(ChatRole.Assistant, $"echo #{count}: {text}")));
    }

    protected override async IAsyncEnumerable<AgentResponseUpdate> RunCoreStreamingAsync(IEnumerable<ChatMessage> messages, AgentSession? session = null, AgentRunOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await RunCoreAsync(messages, session, options, cancellationToken)).ToAgentResponseUpdates())
        {
            yield return update;
        }
    }

    private sealed class EchoSession(AgentSessionStateBag stateBag) : AgentSession(stateBag);
}
