using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

/// <summary>Options that go into the discovery manifest for a handler.</summary>
public sealed record HandlerOptions : ServiceOptions
{
    /// <summary>Manifest v3+, workflow run handlers only.</summary>
    public TimeSpan? WorkflowCompletionRetention { get; init; }
}
