using System.Text.Json;
using System.Text.Json.Serialization;

namespace DurableAgents.Streaming;

/// <summary>Source-generated JSON metadata of the streaming types (AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunEvent))]
[JsonSerializable(typeof(List<RunEvent>))]
[JsonSerializable(typeof(RunEventPage))]
[JsonSerializable(typeof(RunEventQuery))]
[JsonSerializable(typeof(RunDeltaBatch))]
[JsonSerializable(typeof(RunLogState))]
internal sealed partial class RunEventJsonContext : JsonSerializerContext;
