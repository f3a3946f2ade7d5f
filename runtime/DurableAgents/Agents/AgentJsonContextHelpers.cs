using System.Text.Json;
using DurableAgents.Observability;
using Microsoft.Extensions.AI;

namespace DurableAgents.Agents;

internal static class AgentJsonContextHelpers
{
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<string?> NullableString { get; } =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<string?>)Serialization.BuiltInJsonContext.Default.GetTypeInfo(typeof(string))!;
}
