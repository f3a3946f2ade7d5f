namespace DurableAgents.Internal;

/// <summary>Minimal logging hook so the state machine does not depend on a logging framework.</summary>
internal interface ILogSink
{
    static readonly ILogSink None = new NoLog();

    void Debug(string message);

    void Warning(string message);

    private sealed class NoLog : ILogSink
    {
        public void Debug(string message) { }

        public void Warning(string message) { }
    }
}
