using DurableAgents.Internal;

namespace DurableAgents.Tests.ProtocolVm;

/// <summary>Collects the continuations the state machine wakes, so a test runs them on its own thread, in order.</summary>
internal sealed class ManualScheduler : IWakeupScheduler
{
    private readonly Queue<Action> _queue = new();

    public int Pending => _queue.Count;

    public void Schedule(Action continuation) => _queue.Enqueue(continuation);

    /// <summary>Runs every queued continuation (and those they queue); returns how many ran.</summary>
    public int RunAll()
    {
        var ran = 0;
        while (_queue.TryDequeue(out var next))
        {
            next();
            ran++;
        }

        return ran;
    }
}
