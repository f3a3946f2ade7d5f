namespace DurableAgents.Clients;

/// <summary>A run stream was refused by the server or could not be resumed (<see cref="RunStreamClient"/>).</summary>
public sealed class RunStreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunStreamException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
