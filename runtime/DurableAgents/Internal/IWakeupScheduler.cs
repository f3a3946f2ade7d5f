namespace DurableAgents.Internal;

/// <summary>
/// Where the state machine hands the continuations it wakes (a parked handler await, the handler start). The state
/// machine never picks a thread itself: the transport decides (e.g. run the last continuation of an input batch on
/// the thread that read it), and tests can run them one by one on the test thread.
/// </summary>
internal interface IWakeupScheduler
{
    /// <summary>Resumes <paramref name="continuation"/> later; never runs it inline (the caller may hold the state machine's lock).</summary>
    void Schedule(Action continuation);

    /// <summary>The thread pool's global queue.</summary>
    static readonly IWakeupScheduler ThreadPool = new ThreadPoolScheduler();

    /// <summary>Runs a continuation on the thread pool (global queue: the current thread may be busy with the handler).</summary>
    static void QueueToPool(Action continuation)
        => System.Threading.ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    private sealed class ThreadPoolScheduler : IWakeupScheduler
    {
        public void Schedule(Action continuation) => QueueToPool(continuation);
    }
}
