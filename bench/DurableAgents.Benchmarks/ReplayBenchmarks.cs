using System.Buffers;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using DurableAgents.Definitions;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Serialization;
using DurableAgents.Testing;

namespace DurableAgents.Benchmarks;

/// <summary>
/// Replay of a journal of <see cref="Entries"/> entries: Input, then RunCommand + RunCompletion pairs
/// (<c>Entries / 2</c> steps, so 10 → 11 entries, 1,000 → 1,001, 10,000 → 10,001). Time and allocations must grow
/// linearly with <see cref="Entries"/>.
/// </summary>
public class ReplayBenchmarks
{
    private byte[] _journal = [];
    private ServiceDefinition _service = null!;

    [Params(10, 1_000, 10_000)]
    public int Entries { get; set; }

    private int Steps => Entries / 2;

    [GlobalSetup]
    public void Setup()
    {
        var builder = new JournalBuilder().Input(Steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 1; i <= Steps; i++)
        {
            builder.Run($"step{i}", (uint)i).RunCompletion((uint)i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        _journal = builder.Build();
        _service = StepsService.Create();
    }

    /// <summary>
    /// The protocol layer alone: decode Start and the journal from bytes into the state machine, then replay every
    /// RunCommand against it (command matching, completion slots), as the context does, without the handler.
    /// </summary>
    [Benchmark]
    public int StateMachineReplay()
    {
        var machine = new InvocationStateMachine();
        var seq = new ReadOnlySequence<byte>(_journal);
        while (FrameCodec.TryReadFrame(ref seq, out var header, out var payload))
        {
            machine.OnMessage(header.Type, FrameCodec.Decode(header.Type, payload));
        }

        var resolved = 0;
        for (var i = 1; i <= Steps; i++)
        {
            var (slot, execute, _, _) = machine.RunCommand($"step{i}");
            if (!execute && slot.Result is not null)
            {
                resolved++;
            }
        }

        if (resolved != Steps || machine.IsReplaying)
        {
            throw new InvalidOperationException($"replayed {resolved} of {Steps}");
        }

        return resolved;
    }

    /// <summary>
    /// A whole invocation through <see cref="JournalHarness"/> (the endpoint's path over pipes): the journal is
    /// replayed by the real handler (async awaits, JSON of each step result), then the output is journaled and End sent.
    /// </summary>
    [Benchmark]
    public async Task<int> HandlerReplay()
    {
        var result = await JournalHarness.RunAsync(_service, "steps", _journal);
        if (result.Outcome != InvocationOutcome.Ended)
        {
            throw new InvalidOperationException($"outcome {result.Outcome}: {result.ErrorMessage}");
        }

        return result.ResponseBody.Length;
    }
}

[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
internal sealed partial class ReplayJson : JsonSerializerContext;

/// <summary>The benchmarks' "steps" handler (the e2e 10-step handler): <c>input</c> sequential run steps, their sum as output.</summary>
internal static class StepsService
{
    public static ServiceDefinition Create() => new()
    {
        Name = "Bench",
        Type = ServiceType.Service,
        JsonTypeInfoResolver = ReplayJson.Default,
        Handlers =
        [
            new HandlerDefinition
            {
                Name = "steps",
                Invoker = async (ctx, input) =>
                {
                    var steps = JsonSerde.Deserialize(input, ReplayJson.Default.Int32);
                    long total = 0;
                    for (var i = 1; i <= steps; i++)
                    {
                        var step = i;
                        total += await ctx.RunAsync($"step{step}", _ => Task.FromResult(step), ReplayJson.Default.Int32);
                    }

                    return JsonSerde.Serialize(total, ReplayJson.Default.Int64);
                },
            },
        ],
    };
}
