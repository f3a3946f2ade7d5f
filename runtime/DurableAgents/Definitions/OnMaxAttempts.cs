using System.Text.Json.Serialization.Metadata;

namespace DurableAgents.Definitions;

public enum OnMaxAttempts
{
    Pause,
    Kill,
}
