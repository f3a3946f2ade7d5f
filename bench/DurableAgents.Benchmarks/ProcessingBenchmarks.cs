using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using DurableAgents.Definitions;
using DurableAgents.Hosting;
using DurableAgents.Internal;
using DurableAgents.Protocol;
using DurableAgents.Protocol.Messages;
using DurableAgents.Serialization;
using Google.Protobuf;

namespace DurableAgents.Benchmarks;

/// <summary>
/// One live invocation of a handler with <see cref="Steps"/> sequential RunAsync steps (the e2e "10 steps" handler),
/// through the endpoint's path (<c>InvocationTransport</c> over pipes) against an in-process fake Restate that answers
/// every ProposeRunCompletion with its RunCompletion, as restate-server does in bidi mode. No HTTP/2 and no server:
/// this is the SDK's own cost per invocation and per step.
/// </summary>
public class ProcessingBenchmarks
{
    private ServiceDefinition _service = null!;
    private HandlerDefinition _handler = null!;
    private RestateEndpointOptions _options = null!;
    private byte[] _start = [];

    [Params(0, 10)]
    public int Steps { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _service = StepsService.Create();
        _handler = _service.FindHandler("steps")!;
        _options = new RestateEndpointOptions().Bind(_service);
        _start = new Testing.JournalBuilder().Input(Steps.ToString(System.Globalization.CultureInfo.InvariantCulture)).Build();
    }

    [Benchmark]
    public async Task<int> LiveInvocation()
    {
        var input = new Pipe();
        var output = new Pipe();
        await input.Writer.WriteAsync(_start);
        var runner = InvocationTransport.RunAsync(input.Reader, output.Writer, _service, _handler, _options.JsonOptions, EmptyServices.Instance,
            TimeSpan.FromSeconds(5), null, CancellationToken.None);
        var frames = await FakeRestateAsync(output.Reader, input.Writer);
        var outcome = await runner;
        await output.Writer.CompleteAsync();
        if (outcome != InvocationOutcome.Ended)
        {
            throw new InvalidOperationException($"outcome {outcome}");
        }

        return frames;
    }

    /// <summary>Reads the SDK's frames; answers each proposal with its completion; closes the input after End.</summary>
    private static async Task<int> FakeRestateAsync(PipeReader reader, PipeWriter writer)
    {
        var frames = 0;
        while (true)
        {
            var read = await reader.ReadAsync();
            var buffer = read.Buffer;
            var ended = false;
            while (FrameCodec.TryReadFrame(ref buffer, out var header, out var payload))
            {
                frames++;
                if (header.Type == MessageType.ProposeRunCompletion)
                {
                    var proposal = ProposeRunCompletionMessage.Parser.ParseFrom(payload);
                    FrameCodec.WriteFrame(writer, MessageType.RunCompletion, new NotificationTemplate
                    {
                        CompletionId = proposal.ResultCompletionId,
                        Value = new Value { Content = proposal.Value },
                    });
                    await writer.FlushAsync();
                }
                else if (header.Type is MessageType.End or MessageType.Error or MessageType.Suspension)
                {
                    ended = true;
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (ended || read.IsCompleted)
            {
                await writer.CompleteAsync();
                await reader.CompleteAsync();
                return frames;
            }
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
