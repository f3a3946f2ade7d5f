namespace DurableAgents.Streaming;

/// <summary>The event vocabulary of a run stream.</summary>
public enum RunStreamFormat
{
    /// <summary>This library's <see cref="RunEvent"/>s.</summary>
    Events,

    /// <summary>AG-UI protocol events (<see cref="AgUiEventMapper"/>).</summary>
    AgUi,
}
