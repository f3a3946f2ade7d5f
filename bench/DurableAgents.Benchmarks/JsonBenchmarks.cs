using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using DurableAgents.Serialization;

namespace DurableAgents.Benchmarks;

/// <summary>JSON of step results, as RunAsync journals them (serialize) and replay reads them back (deserialize).</summary>
public class JsonBenchmarks
{
    private static readonly StepResult Small = new("Paris", "sunny in Paris", 21);
    private static readonly ModelTurn Turn = new("", [new ToolCallRecord("call_1", "get_weather", """{"city":"Paris"}""")], 42, 9);
    private byte[] _smallJson = [];
    private byte[] _turnJson = [];
    private byte[] _intJson = [];

    [GlobalSetup]
    public void Setup()
    {
        _intJson = JsonSerde.Serialize(12345, StepJson.Default.Int32);
        _smallJson = JsonSerde.Serialize(Small, StepJson.Default.StepResult);
        _turnJson = JsonSerde.Serialize(Turn, StepJson.Default.ModelTurn);
    }

    [Benchmark]
    public byte[] SerializeInt() => JsonSerde.Serialize(12345, StepJson.Default.Int32);

    [Benchmark]
    public int DeserializeInt() => JsonSerde.DeserializeJournaled(_intJson, StepJson.Default.Int32);

    [Benchmark]
    public byte[] SerializeRecord() => JsonSerde.Serialize(Small, StepJson.Default.StepResult);

    [Benchmark]
    public StepResult DeserializeRecord() => JsonSerde.DeserializeJournaled(_smallJson, StepJson.Default.StepResult);

    [Benchmark]
    public byte[] SerializeModelTurn() => JsonSerde.Serialize(Turn, StepJson.Default.ModelTurn);

    [Benchmark]
    public ModelTurn DeserializeModelTurn() => JsonSerde.DeserializeJournaled(_turnJson, StepJson.Default.ModelTurn);
}

public sealed record StepResult(string City, string Forecast, int Celsius);

public sealed record ToolCallRecord(string Id, string Name, string Arguments);

public sealed record ModelTurn(string Content, List<ToolCallRecord> ToolCalls, int PromptTokens, int CompletionTokens);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(StepResult))]
[JsonSerializable(typeof(ModelTurn))]
internal sealed partial class StepJson : JsonSerializerContext;
